// The admin's channel accounts: every account with its state, credentials and readiness (asked of
// the platform without posting: "Check now"), a new account's form built from its platform's
// settings schema, and one account's page: edit, enable / disable, credentials (write-only), a
// test post to a sandbox account, and delete (refused once anything was sent to it).
import {get, post, put, call, ApiError} from "./api.js";
import {announce, go, problem} from "./app.js";
import {h, show, busy, focus, newId, ago, when} from "./dom.js";
import {platformName} from "./preview.js";

const DAY_MS = 86400000;
const EXPIRY_WARNING_DAYS = 7;  // as the readiness checks page on-call (services/readiness.py)
const WORDS = {url: "URL", id: "ID", arn: "ARN", sms: "SMS", api: "API", s: "(seconds)"};
const HINTS = {
  base_url: "Where the platform's API is, e.g. https://mastodon.social.",
  post_url: "A page to open posts on instead of the platform's, with {post_id} where the post's id goes.",
};
const EMPTY = {base_url: "Empty: the platform's public API."};
const PROBLEMS = {credentials: "token revoked or invalid", permission: "not allowed to post there",
                  configuration: "its settings need fixing"};
const DEFAULT_TEST_TEXT = "Clarion test post, please ignore.";
let flash = null;  // what the next screen says first ("Created.", "Deleted.")

const enc = encodeURIComponent;
const path = (id, rest = "") => `/channels/${enc(id)}${rest}`;

export async function render(root, {args}) {
  if (args[0] === "new") return createScreen(root);
  if (args[0]) return accountScreen(root, args[0]);
  return listScreen(root);
}

// -- readiness, shared with the composer's channel picker ----------------------------------------

/** What the latest readiness check found, in words and a symbol (never colour alone); `short`:
 * the kind of problem only (the composer's picker), not the platform's whole answer. */
export function readiness(health, {short = false, now = Date.now()} = {}) {
  if (!health) return {level: "unknown", symbol: "?", text: "Not checked yet"};
  if (!health.healthy) {
    if (health.problem === "unavailable") {
      return {level: "warn", symbol: "⚠",
              text: short ? "Could not be checked" : `Could not be checked: ${health.reason || "the platform did not answer"}`};
    }
    const why = short ? PROBLEMS[health.problem] : health.reason;
    return {level: "bad", symbol: "✖", text: `Not ready: ${why || health.reason || health.problem || "unhealthy"}`};
  }
  if (health.token_expires_at) {
    const left = new Date(health.token_expires_at).getTime() - now;
    if (left <= 0) return {level: "bad", symbol: "✖", text: "Token expired: store a new one"};
    if (left <= EXPIRY_WARNING_DAYS * DAY_MS) {
      const days = Math.floor(left / DAY_MS);
      const hours = Math.max(1, Math.floor(left / 3600000));
      return {level: "warn", symbol: "⚠",
              text: `Token expires in ${days >= 1 ? `${days} day${days === 1 ? "" : "s"}` : `${hours} h`}`};
    }
  }
  // A healthy account's reason is "ready", or "ready; <caveat>; ..." (e.g. it may not pin): shown on its page.
  return {level: "ok", symbol: "✔", text: "Ready", note: (health.reason || "").replace(/^ready(;\s*)?/, "")};
}

/** The readiness as a short line: symbol (hidden from screen readers) and words. */
export function readinessNote(health, {checked = false, short = false} = {}) {
  const r = readiness(health, {short});
  return h("span", {class: `readiness ${r.level}`}, h("span", {"aria-hidden": "true"}, `${r.symbol} `), r.text,
    checked && health ? h("span", {class: "meta"}, ` · checked ${ago(health.checked_at)} ago`) : null);
}

// -- shared pieces ------------------------------------------------------------------------------

function label(name) {
  const words = name.split("_").map((w) => WORDS[w] || w);
  return words.join(" ").replace(/^./, (c) => c.toUpperCase());
}

function credentialsBadge(account, spec) {
  if (!spec || !spec.http) return h("span", {class: "badge"}, "No credentials needed");
  return account.credentials === "set" ? h("span", {class: "badge ok"}, "Credentials set")
                                       : h("span", {class: "badge warn"}, "Credentials missing");
}

export function stateBadges(account) {
  return [account.enabled ? h("span", {class: "badge ok"}, "Enabled") : h("span", {class: "badge blocked"}, "Disabled"),
          account.sandbox ? h("span", {class: "badge test"}, "Test account") : h("span", {class: "badge"}, "Live")];
}

/** An API message as a sentence: capitalised, without pydantic's "Value error, " prefix. */
export function plain(text) {
  return String(text).replace(/^Value error, /, "").replace(/^./, (c) => c.toUpperCase());
}

/** The details of an API error as a list, whatever their shape (some 409s send an object). */
function detailList(error) {
  return error instanceof ApiError && Array.isArray(error.details) ? error.details : [];
}

/** A modal "are you sure?": resolves true when confirmed, false when the person goes back. */
export function confirmDialog(parent, title, text, yes) {
  return new Promise((resolve) => {
    const titleId = newId("confirm");
    const dialog = h("dialog", {class: "confirm", "aria-labelledby": titleId}, h("h2", {id: titleId}, title),
      h("p", {}, text));
    const finish = (answer) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    dialog.append(h("div", {class: "actions"},
      h("button", {type: "button", class: "danger", onclick: () => finish(true)}, yes),
      h("button", {type: "button", onclick: () => finish(false)}, "Go back")));
    dialog.addEventListener("cancel", (event) => { event.preventDefault(); finish(false); });
    parent.append(dialog);
    dialog.showModal();
  });
}

// -- form fields (the account's own, and its platform's settings from their JSON Schema) ----------

export class Fields {
  constructor() {
    this.items = {};  // name ("name", "settings.base_url", "access_token") → {control, note, label, kind}
  }

  add(name, text, control, {hint, kind = "text", required = false} = {}) {
    const id = control.id || newId("f");
    control.id = id;
    const note = h("div", {class: "field-findings", id: `${id}-note`});
    const hintNode = hint ? h("p", {class: "hint", id: `${id}-hint`}, hint) : null;
    control.setAttribute("aria-describedby", [hintNode ? hintNode.id : "", note.id].filter(Boolean).join(" "));
    if (required) control.setAttribute("aria-required", "true");
    this.items[name] = {control, note, label: text, kind};
    const labelNode = h("label", {for: id}, text, required ? h("span", {class: "required"}, " (required)") : null);
    if (kind === "boolean") {
      return h("div", {class: "field"}, h("div", {class: "choice"}, control, labelNode), hintNode, note);
    }
    return h("div", {class: "field"}, labelNode, hintNode, control, note);
  }

  forget(prefix) {
    for (const name of Object.keys(this.items)) if (name.startsWith(prefix)) delete this.items[name];
  }

  clear() {
    for (const {control, note} of Object.values(this.items)) {
      note.replaceChildren();
      control.removeAttribute("aria-invalid");
    }
  }

  /** The field a detail names: "settings.to_addresses.0" → "settings.to_addresses". */
  find(field) {
    const parts = String(field || "").replace(/^body\./, "").split(".");
    while (parts.length) {
      const name = parts.join(".");
      if (this.items[name]) return name;
      parts.pop();
    }
    return null;
  }

  /** A refused save: each problem under its field, and all of them in `summary`, focused. */
  showErrors(error, summary) {
    this.clear();
    const details = detailList(error);
    const listed = details.map((d) => {
      const name = this.find(d.field);
      const text = plain(d.problem || d.message || "not valid");
      if (!name) return h("li", {}, d.field ? `${d.field}: ${text}` : text);
      const item = this.items[name];
      item.control.setAttribute("aria-invalid", "true");
      item.note.append(h("p", {class: "finding blocking"}, text));
      return h("li", {}, h("a", {href: "#", onclick: (event) => { event.preventDefault(); focus(item.control); }},
        `${item.label}: ${text}`));
    });
    show(summary, h("div", {class: "notice error", role: "alert"}, h("p", {}, plain(error.message || String(error))),
      listed.length ? h("ul", {}, listed) : null));
    focus(summary);
  }
}

/** The control for one setting of the platform's JSON Schema; null for what the form leaves alone. */
function settingKind(property) {
  let p = property || {};
  if (p.anyOf) p = p.anyOf.find((x) => x.type !== "null") || p.anyOf[0];
  if (!p || p.$ref || p.type === "object") return null;  // nested settings (timeouts) stay as they are
  const choices = p.type === "string" && /^\^\(([\w|]+)\)\$$/.exec(p.pattern || "");
  if (choices) return {kind: "choice", schema: p, options: choices[1].split("|")};
  if (p.type === "string") return {kind: "text", schema: p};
  if (p.type === "integer" || p.type === "number") return {kind: "number", schema: p};
  if (p.type === "boolean") return {kind: "boolean", schema: p};
  if (p.type === "array" && (!p.items || p.items.type === "string")) return {kind: "lines", schema: p};
  return null;
}

function settingFields(fields, spec, values) {
  fields.forget("settings.");
  const schema = (spec && spec.settings) || {};
  const required = schema.required || [];
  const out = [];
  for (const [name, property] of Object.entries(schema.properties || {})) {
    const found = settingKind(property);
    if (!found) continue;
    const {kind, schema: s} = found;
    const value = values[name];
    const needed = required.includes(name);
    const hints = [property.description || HINTS[name], needed ? null : EMPTY[name]];
    let control;
    if (kind === "choice") {
      control = h("select", {name}, h("option", {value: ""}, needed ? "Choose" : "— (the platform's default)"),
        found.options.map((o) => h("option", {value: o, selected: value === o}, o)));
    } else if (kind === "boolean") {
      control = h("input", {type: "checkbox", name, checked: value === true});
    } else if (kind === "lines") {
      control = h("textarea", {name, rows: 3, spellcheck: "false"});
      control.value = Array.isArray(value) ? value.join("\n") : "";
      hints.push("One per line.");
    } else if (kind === "number") {
      control = h("input", {type: "number", name, inputmode: s.type === "integer" ? "numeric" : "decimal",
                            step: s.type === "integer" ? "1" : "any", value: value ?? ""});
      if (s.minimum !== undefined && s.maximum !== undefined) hints.push(`From ${s.minimum} to ${s.maximum}.`);
    } else {
      const url = /_url$/.test(name);
      control = h("input", {type: url ? "url" : "text", name, value: value ?? "", spellcheck: "false",
                            autocapitalize: "off", maxlength: s.maxLength, placeholder: url ? "https://" : null});
    }
    out.push(fields.add(`settings.${name}`, label(name), control,
      {hint: hints.filter(Boolean).join(" "), kind, required: needed}));
  }
  const about = schema.description ? h("p", {class: "hint"}, schema.description.replace(/`/g, "")) : null;
  if (!out.length) return [about, h("p", {}, "This platform has no settings to fill in.")];
  return [about, out];
}

/** The settings the form says, over `base` (which keeps what the form does not show). */
function settingValues(fields, base) {
  const out = {...base};
  for (const [name, {control, kind}] of Object.entries(fields.items)) {
    if (!name.startsWith("settings.")) continue;
    const key = name.slice("settings.".length);
    const had = key in out;
    delete out[key];
    if (kind === "boolean") {
      if (control.checked || had) out[key] = control.checked;
    } else if (kind === "lines") {
      const lines = control.value.split("\n").map((v) => v.trim()).filter(Boolean);
      if (lines.length) out[key] = lines;
    } else if (kind === "number") {
      if (control.value.trim() !== "") out[key] = Number(control.value);
    } else if (control.value.trim()) {
      out[key] = control.value.trim();
    }
  }
  return out;
}

/** Name, language and test account: the fields every account has. */
function accountFields(fields, account, afterName = null) {
  const name = h("input", {type: "text", name: "name", maxlength: 120, value: account.name || ""});
  const language = h("input", {type: "text", name: "language", maxlength: 35, value: account.language || "en-US",
                               spellcheck: "false", autocapitalize: "off"});
  const sandbox = h("input", {type: "checkbox", name: "sandbox", checked: !!account.sandbox});
  return [
    fields.add("name", "Name", name, {required: true, hint: "As people choose it when they write an advisory."}),
    afterName,
    fields.add("language", "Language", language, {hint: "The language posts to it are in, e.g. en-US or es."}),
    fields.add("sandbox", "Test account (sandbox)", sandbox, {kind: "boolean",
      hint: "Exercises and tests go only to test accounts, and only they take test posts."}),
  ];
}

// -- the list -----------------------------------------------------------------------------------

async function listScreen(root) {
  const [{channels}, {platforms}] = await Promise.all([get("/channels"), get("/platforms")]);
  const specs = Object.fromEntries(platforms.map((p) => [p.name, p]));
  // The admin view of each: whether its credentials are stored (never what they are).
  const admin = await Promise.all(channels.map((c) => get(path(c.id)).catch(() => null)));
  const accounts = channels.map((c, i) => ({...c, ...(admin[i] || {}), health: c.health}));
  const status = h("div", {class: "channels-status", tabindex: "-1"});
  const rows = h("tbody", {});
  const checkAll = h("button", {type: "button"}, "Check all enabled accounts");
  const says = flash;
  flash = null;

  function row(account) {
    const cell = h("td", {"data-label": "Readiness"}, readinessNote(account.health, {checked: true}));
    const check = h("button", {type: "button"}, "Check now",
      h("span", {class: "visually-hidden"}, `: ${account.name}`));
    check.addEventListener("click", () => busy(check, async () => {
      try {
        const checked = await post(path(account.id, "/check"));
        account.health = checked.health;
        show(cell, readinessNote(account.health, {checked: true}));
        announce(`${account.name}: ${readiness(account.health).text}`);
      } catch (error) {
        show(cell, readinessNote(account.health, {checked: true}), h("p", {class: "error-text"}, error.message));
      }
    }));
    return h("tr", {},
      h("th", {scope: "row"}, h("a", {href: `#/channels/${enc(account.id)}`}, account.name),
        h("span", {class: "meta account-id"}, `${platformName(account.platform)} · ${account.id}`)),
      h("td", {"data-label": "State"}, h("span", {class: "badges"}, stateBadges(account))),
      h("td", {"data-label": "Credentials"}, credentialsBadge(account, specs[account.platform])),
      cell,
      h("td", {}, check));
  }

  checkAll.addEventListener("click", () => busy(checkAll, async () => {
    show(status, h("p", {class: "notice", role: "status"}, "Checking every enabled account…"));
    try {
      const result = await post("/channels/check");
      for (const checked of result.channels) {
        const account = accounts.find((a) => a.id === checked.id);
        if (account) account.health = checked.health;
      }
      show(rows, accounts.map(row));
      const bad = result.channels.filter((c) => readiness(c.health).level !== "ok");
      const text = `Checked ${result.channels.length} account${result.channels.length === 1 ? "" : "s"}: ` +
        (bad.length ? `${bad.length} need${bad.length === 1 ? "s" : ""} attention` : "all ready") +
        (result.not_checked.length ? `; ${result.not_checked.length} not checked in time, try again` : "") + ".";
      show(status, h("div", {class: bad.length ? "notice error" : "notice ok", role: "status"}, h("p", {}, text),
        bad.length ? h("ul", {}, bad.map((c) => h("li", {}, `${c.name}: ${readiness(c.health).text}`))) : null));
      announce(text);
      focus(status);
    } catch (error) {
      show(status, problem(error));
      focus(status);
    }
  }));

  show(rows, accounts.map(row));
  show(root,
    h("h1", {}, "Channels"),
    h("p", {class: "lead"}, "The accounts Clarion posts to. Readiness asks each platform whether Clarion can post " +
      "there now, without posting; it is also checked every day."),
    says ? h("div", {class: "notice ok", role: "status"}, says) : null,
    h("div", {class: "actions"}, h("a", {href: "#/channels/new", class: "button primary"}, "Add a channel account"),
      checkAll),
    status,
    accounts.length ? h("div", {class: "table-wrap"}, h("table", {class: "accounts"},
      h("caption", {}, `${accounts.length} channel account${accounts.length === 1 ? "" : "s"}`),
      h("thead", {}, h("tr", {}, ["Account", "State", "Credentials", "Readiness", "Check"].map((t) =>
        h("th", {scope: "col"}, t)))),
      rows)) : h("p", {}, "There are no channel accounts yet."));
  return undefined;
}

// -- a new account ------------------------------------------------------------------------------

async function createScreen(root) {
  const {platforms} = await get("/platforms");
  const specs = Object.fromEntries(platforms.map((p) => [p.name, p]));
  const fields = new Fields();
  const summary = h("div", {class: "form-summary", tabindex: "-1"});
  const settingsBox = h("div", {});
  const platform = h("select", {name: "platform", onchange: () => drawSettings()},
    h("option", {value: ""}, "Choose a platform"),
    platforms.map((p) => h("option", {value: p.name}, platformName(p.name))));
  const slug = h("input", {type: "text", name: "slug", maxlength: 63, spellcheck: "false", autocapitalize: "off"});
  const create = h("button", {type: "submit", class: "primary"}, "Create account");

  function drawSettings() {
    const spec = specs[platform.value];
    show(settingsBox, spec ? settingFields(fields, spec, {}) : h("p", {class: "hint"}, "Choose a platform to see its settings."));
  }

  async function submit() {
    const body = {platform: platform.value, name: fields.items.name.control.value.trim(),
                  language: fields.items.language.control.value.trim() || "en-US",
                  sandbox: fields.items.sandbox.control.checked, settings: settingValues(fields, {})};
    if (slug.value.trim()) body.slug = slug.value.trim();
    if (!body.platform) {
      fields.showErrors(new ApiError(422, "validation_failed", "Choose the account's platform first.",
                                     [{field: "platform", problem: "Choose a platform"}]), summary);
      return;
    }
    try {
      const created = await post("/channels", body);
      const spec = specs[created.platform];
      flash = spec && spec.http
        ? `Created ${created.name} (disabled). Next: store its credentials, check it, then enable it.`
        : `Created ${created.name} (disabled). Check it, then enable it.`;
      announce(`Created ${created.name}`);
      go(`#/channels/${enc(created.id)}`);
    } catch (error) {
      if (error.status === 409 && error.details && !Array.isArray(error.details)) {
        error.details = [{field: "slug", problem: "Taken (ids are never reused): give another short id"}];
      }
      fields.showErrors(error, summary);
    }
  }

  const form = h("form", {class: "channel-form", novalidate: true, onsubmit: (event) => {
    event.preventDefault();
    busy(create, submit);
  }},
  h("fieldset", {}, h("legend", {}, "The account"),
    fields.add("platform", "Platform", platform, {required: true}),
    accountFields(fields, {}, fields.add("slug", "Short id (optional)", slug,
      {hint: "Lower-case letters, digits and hyphens; made from the name when empty. It can never change."}))),
  h("fieldset", {}, h("legend", {}, "Settings"), settingsBox),
  h("p", {class: "hint"}, "A new account starts disabled: nothing is sent to it until you enable it."),
  h("div", {class: "actions"}, create, h("a", {href: "#/channels", class: "button"}, "Cancel")));
  drawSettings();
  show(root, h("div", {class: "admin-page"}, h("p", {}, h("a", {href: "#/channels"}, "← Channels")),
    h("h1", {}, "Add a channel account"), summary, form));
  return undefined;
}

// -- one account ----------------------------------------------------------------------------------

async function accountScreen(root, id) {
  const [first, {platforms}] = await Promise.all([get(path(id)), get("/platforms")]);
  const spec = platforms.find((p) => p.name === first.platform) || null;
  const state = {account: first};
  const title = h("h1", {}, first.name);
  const meta = h("p", {class: "meta"});
  const notice = h("div", {class: "account-notice", tabindex: "-1"});
  const statusCard = h("section", {class: "card", "aria-labelledby": "status-title"});
  const says = flash;
  flash = null;
  const adopted = [];  // what else follows the account's state (the test post form: sandbox only)

  /** Adopt the account as the API answered it (the edit form saves from its revision). */
  function adopt(account) {
    state.account = account;
    for (const follow of adopted) follow(account);
    title.textContent = account.name;
    meta.textContent = `${account.id} · ${platformName(account.platform)} · ${account.language} · revision ${account.revision}`;
    drawStatus();
  }

  async function reload() {
    adopt(await get(path(id)));
  }

  function say(node) {
    show(notice, node);
    focus(notice);
  }

  // -- status: state, readiness, check, enable / disable
  function drawStatus() {
    const a = state.account;
    const health = a.health;
    const check = h("button", {type: "button"}, "Check now");
    check.addEventListener("click", () => busy(check, async () => {
      try {
        const checked = await post(path(id, "/check"));
        await reload();  // the check is recorded on the account: a new revision
        announce(`Checked: ${readiness(checked.health).text}`);
        focus(statusCard.querySelector(".readiness"));
      } catch (error) {
        say(problem(error));
      }
    }));
    const toggle = h("button", {type: "button", class: a.enabled ? "" : "primary"}, a.enabled ? "Disable" : "Enable");
    toggle.addEventListener("click", () => busy(toggle, () => setEnabled(!a.enabled)));
    const facts = [["Readiness", readinessNote(health)]];
    const note = readiness(health).note;
    if (note) facts.push(["Note", note]);
    if (health) {
      facts.push(["Checked", `${when(health.checked_at)} (${ago(health.checked_at)} ago)`]);
      facts.push(["Can pin posts", {true: "Yes", false: "No", null: "The platform does not say"}[String(health.can_pin)] || "—"]);
      if (health.token_expires_at) facts.push(["Token expires", when(health.token_expires_at)]);
    }
    show(statusCard,
      h("h2", {id: "status-title"}, "State and readiness"),
      h("p", {class: "badges"}, stateBadges(a), credentialsBadge(a, spec)),
      h("dl", {class: "summary"}, facts.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
      h("p", {class: "hint"}, a.enabled ? "Enabled: advisories may be sent to it." :
        "Disabled: nothing is sent to it, and advisories cannot choose it."),
      h("div", {class: "actions"}, check, toggle));
  }

  async function setEnabled(enabled) {
    try {
      adopt(await post(path(id, enabled ? "/enable" : "/disable")));
      const text = enabled ? `${state.account.name} is enabled: advisories may be sent to it.`
                           : `${state.account.name} is disabled: nothing more is sent to it.`;
      say(h("div", {class: "notice ok", role: "status"}, text));
      announce(text);
    } catch (error) {
      const details = error instanceof ApiError ? error.details : null;
      if (error.status === 409 && details && !Array.isArray(details) && details.credentials === "missing") {
        say(h("div", {class: "notice error", role: "alert"},
          h("p", {}, "Set its credentials first (under Credentials, below), then enable it."),
          credentialsCard ? h("a", {href: "#", onclick: (event) => {
            event.preventDefault();
            focus(credentialsCard.querySelector("input") || credentialsCard);
          }}, "Go to the credentials") : null));
      } else {
        say(problem(error));
      }
    }
  }

  // -- edit
  const fields = new Fields();
  const editSummary = h("div", {class: "form-summary", tabindex: "-1"});
  const save = h("button", {type: "submit", class: "primary"}, "Save changes");
  const settingsBox = h("div", {}, settingFields(fields, spec, first.settings || {}));
  const editForm = h("form", {class: "channel-form", novalidate: true, onsubmit: (event) => {
    event.preventDefault();
    busy(save, saveChanges);
  }},
  accountFields(fields, first),
  h("fieldset", {}, h("legend", {}, `${platformName(first.platform)} settings`), settingsBox),
  h("div", {class: "actions"}, save));

  async function saveChanges() {
    const a = state.account;
    const change = {revision: a.revision, name: fields.items.name.control.value.trim(),
                    language: fields.items.language.control.value.trim(),
                    sandbox: fields.items.sandbox.control.checked,
                    settings: settingValues(fields, a.settings || {})};
    try {
      adopt(await put(path(id), change));
      fields.clear();
      show(editSummary, h("div", {class: "notice ok", role: "status"}, "Saved. The next delivery uses the new settings."));
      announce("Saved");
      focus(editSummary);
    } catch (error) {
      const details = error instanceof ApiError ? error.details : null;
      if (error.status === 409 && details && !Array.isArray(details) && "revision" in details) {
        const again = h("button", {type: "button", class: "primary", onclick: () => go(`#/channels/${enc(id)}`)},
          "Load the latest version");
        show(editSummary, h("div", {class: "notice error", role: "alert"},
          h("p", {}, "Someone else changed this account since you opened it, so your changes were not saved."),
          h("p", {}, "Load the latest version (your changes here are lost), then make them again."), again));
        focus(editSummary);
      } else {
        fields.showErrors(error, editSummary);
      }
    }
  }

  // -- credentials: write-only
  let credentialsCard = null;
  if (spec && spec.http && spec.credentials.length) {
    credentialsCard = h("section", {class: "card", "aria-labelledby": "credentials-title"});
    const creds = new Fields();
    const credSummary = h("div", {class: "form-summary", tabindex: "-1"});
    const props = (spec.credentials_schema && spec.credentials_schema.properties) || {};
    const store = h("button", {type: "submit", class: "primary"}, "Save credentials");
    const inputs = spec.credentials.map((name) => creds.add(name, label(name),
      h("input", {type: "password", name, autocomplete: "off", spellcheck: "false", autocapitalize: "off"}),
      {required: true, hint: (props[name] && props[name].description) || null}));
    const stateLine = h("p", {});
    const drawState = (at) => show(stateLine, state.account.credentials === "set"
      ? `Stored${at ? ` ${when(at)}` : ""}. Clarion never shows them again: to change them, type new ones.`
      : "None stored yet: posts to this account fail until you save them.");
    drawState();
    const form = h("form", {novalidate: true, autocomplete: "off", onsubmit: (event) => {
      event.preventDefault();
      busy(store, async () => {
        const body = Object.fromEntries(spec.credentials.map((name) => [name, creds.items[name].control.value.trim()]));
        try {
          const saved = await put(path(id, "/credentials"), body);
          for (const {control} of Object.values(creds.items)) control.value = "";
          creds.clear();
          await reload();
          drawState(saved.updated_at);
          show(credSummary, h("div", {class: "notice ok", role: "status"},
            "Credentials saved. Check now to see that the platform takes them."));
          announce("Credentials saved");
          focus(credSummary);
        } catch (error) {
          creds.showErrors(error, credSummary);
        }
      });
    }}, inputs, h("div", {class: "actions"}, store));
    show(credentialsCard, h("h2", {id: "credentials-title"}, "Credentials"),
      spec.credentials_schema && spec.credentials_schema.description
        ? h("p", {class: "hint"}, spec.credentials_schema.description) : null,
      stateLine, credSummary, form);
  }

  // -- test post: sandbox accounts of platforms that take one
  let testCard = null;
  if (spec && spec.test_post) {
    testCard = h("section", {class: "card", "aria-labelledby": "test-title"});
    const result = h("div", {class: "test-result", tabindex: "-1"});
    const textId = newId("f");
    const text = h("input", {id: textId, type: "text", maxlength: 200, value: DEFAULT_TEST_TEXT});
    const send = h("button", {type: "submit"}, "Send a test post");
    const form = h("form", {class: "test-post", novalidate: true, onsubmit: (event) => {
      event.preventDefault();
      busy(send, async () => {
        if (state.account.credentials !== "set") {
          show(result, h("div", {class: "notice error", role: "alert"}, "Set its credentials first, then send a test post."));
          focus(result);
          return;
        }
        try {
          const posted = await post(path(id, "/test-post"), {text: text.value.trim() || DEFAULT_TEST_TEXT});
          show(result, h("div", {class: "notice ok", role: "status"},
            h("p", {}, `Posted (${posted.marker}). `,
              posted.url ? h("a", {href: posted.url, target: "_blank", rel: "noopener noreferrer"}, "Open the test post")
                         : "The platform gave no link to it."),
            h("p", {class: "meta"}, `Post id ${posted.post_id} · ${when(posted.posted_at)}`)));
          announce("Test post sent");
        } catch (error) {
          show(result, problem(error));
        }
        focus(result);
      });
    }},
    h("div", {class: "field"}, h("label", {for: textId}, "Text of the test post"), text),
    h("div", {class: "actions"}, send));
    const live = h("p", {}, "This is a live account: its posts reach the public, so it takes no test posts. " +
      "Test with a test (sandbox) account of the same platform.");
    adopted.push((account) => {
      form.hidden = !account.sandbox;
      live.hidden = account.sandbox;
    });
    show(testCard, h("h2", {id: "test-title"}, "Test post"),
      h("p", {class: "hint"}, "Posts through the same code as a broadcast, with a marker to find it by."),
      live, form, result);
  }

  // -- delete
  const deleteCard = h("section", {class: "card", "aria-labelledby": "delete-title"});
  const deleteNotice = h("div", {class: "delete-notice", tabindex: "-1"});
  const remove = h("button", {type: "button", class: "danger"}, "Delete this account…");
  remove.addEventListener("click", async () => {
    const name = state.account.name;
    const sure = await confirmDialog(deleteCard, `Delete ${name}?`,
      "Only an account nothing was ever sent to can be deleted. Its stored credentials are removed and its id " +
      "can never be used again.", `Delete ${name}`);
    if (!sure) {
      focus(remove);
      return;
    }
    await busy(remove, async () => {
      try {
        await call("DELETE", path(id));
        flash = `Deleted ${name}.`;
        announce(flash);
        go("#/channels");
      } catch (error) {
        if (error.status === 409) {
          const why = error.message.split(/\.\s*Disable it instead/)[0].replace(/^\S+ cannot be deleted: /, "");
          const disable = state.account.enabled
            ? h("button", {type: "button", onclick: (event) => busy(event.currentTarget, () => setEnabled(false))}, "Disable it")
            : null;
          show(deleteNotice, h("div", {class: "notice error", role: "alert"},
            h("p", {}, `${name} cannot be deleted: ${why}.`),
            h("p", {}, "The record of what was sent keeps naming it, so disable it instead: nothing more is sent to it."),
            disable ? h("div", {class: "actions"}, disable) : null));
        } else {
          show(deleteNotice, problem(error));
        }
        focus(deleteNotice);
      }
    });
  });
  show(deleteCard, h("h2", {id: "delete-title"}, "Delete"),
    h("p", {class: "hint"}, "For an account added by mistake. One that was ever posted to stays: disable it instead."),
    deleteNotice, h("div", {class: "actions"}, remove));

  adopt(first);
  show(root,
    h("p", {}, h("a", {href: "#/channels"}, "← Channels")),
    title, meta,
    notice,
    h("div", {class: "account-layout"},
      h("div", {}, statusCard,
        h("section", {class: "card", "aria-labelledby": "edit-title"}, h("h2", {id: "edit-title"}, "Settings"),
          editSummary, editForm)),
      h("div", {}, credentialsCard, testCard, deleteCard)));
  if (says) show(notice, h("div", {class: "notice ok", role: "status"}, says));
  return undefined;
}
