// The admin's templates: the list (retired ones apart), and one template as a form — its name,
// the advisory fields with {placeholders}, the typed parameters on-call fill in, optional
// wording per platform — with a live preview filled from sample values the admin types.
// Saving sends it to an approver (someone who neither wrote nor edited it); Retire ends its use.
import {get, post, put, ApiError} from "./api.js";
import {announce, problem} from "./app.js";
import {h, show, busy, focus, marked, newId, shortId, when, withOffset, chosen, allChosen} from "./dom.js";
import {LABELS, channelRows, platformName} from "./preview.js";
import {stateBadge} from "./lists.js";
import {ChannelPicker} from "./picker.js";  // accounts by platform, and the channel groups

const CATEGORIES = ["Health", "Safety", "Security", "Env", "Infra", "Transport", "Rescue", "Fire", "Geo", "Met", "CBRNE", "Other"];
const RESPONSES = ["Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess", "AllClear", "None"];
const CAP_CHOICES = {urgency: ["Immediate", "Expected", "Future", "Past", "Unknown"],
                     severity: ["Extreme", "Severe", "Moderate", "Minor", "Unknown"],
                     certainty: ["Observed", "Likely", "Possible", "Unlikely", "Unknown"]};
const TEXTS = [["headline", false], ["description", true], ["instruction", true], ["required_text", true]];
const SINGLE = ["event", "area_desc", "expires", "web", "contact"];
// The fields this form edits; anything else a template holds (translations, language,
// effective) is kept as it is.
const MANAGED = [...TEXTS.map(([n]) => n), ...SINGLE, ...Object.keys(CAP_CHOICES), "status", "category",
                 "response_type", "hashtags", "channels"];
const TYPES = [["string", "Text"], ["integer", "Whole number"], ["date", "Date"], ["datetime", "Date and time"]];
// Platforms whose posts an admin may word themselves (the API checks each in its sandbox).
const WORDED = ["sms", "x", "mastodon", "bluesky", "facebook", "telegram", "slack", "discord"];
const SHOWN = ["headline", "description", "instruction", "required_text", "event", "area_desc", "urgency", "severity",
               "certainty", "category", "response_type", "status", "effective", "expires", "web", "contact",
               "hashtags", "channels", "language"];
const PARAM_LABELS = {name: "Name", type: "Type", description: "What to fill in", allowed: "Allowed values",
                      max_length: "At most (characters)", required: "Required"};

export async function render(root, {args}) {
  const [id] = args;
  const [{channels}, template] = await Promise.all([get("/channels"),
    id && id !== "new" ? get(`/templates/${encodeURIComponent(id)}`) : null]);
  const accounts = Object.fromEntries(channels.map((c) => [c.id, c]));
  if (!id) return list(root, accounts);
  if (template && template.state === "retired") return retiredView(root, template, accounts);
  const {channel_groups: groups} = await get("/channel-groups");
  return new Editor(root, channels, groups, template).cleanup;
}

// -- the list ------------------------------------------------------------------------------------

async function list(root, accounts) {
  const {templates} = await get("/templates");
  const changed = (t) => t.updated_at || t.created_at;
  const byChange = (a, b) => changed(b).localeCompare(changed(a));
  const active = templates.filter((t) => t.state !== "retired").sort(byChange);
  const retired = templates.filter((t) => t.state === "retired").sort(byChange);
  show(root, h("h1", {}, "Templates"),
    h("p", {}, "Pre-approved alerts on-call staff launch in a few taps. A new or changed template goes to an " +
      "approver; on-call see it once someone who did not write or edit it approves it."),
    h("p", {}, h("a", {href: "#/templates/new", class: "button primary"}, "New template")),
    h("p", {class: "meta", role: "status"}, active.length ? `${active.length} in use or waiting for approval`
                                                          : "No template yet."),
    active.length ? h("ul", {class: "advisory-list"}, active.map((t) => item(t, accounts))) : null,
    retired.length ? h("section", {"aria-labelledby": "retired-title"},
      h("h2", {id: "retired-title"}, `Retired (${retired.length})`),
      h("p", {class: "meta"}, "Out of use for good: kept for the record, never launched again."),
      h("ul", {class: "advisory-list retired-list"}, retired.map((t) => item(t, accounts)))) : null);
  return undefined;
}

function item(t, accounts) {
  const names = (t.content.channels || []).map((id) => (accounts[id] ? accounts[id].name : id));
  const status = t.content.status && t.content.status !== "Actual" ? t.content.status : null;
  let line;
  if (t.state === "retired" && t.retirement) {
    line = `Retired by ${t.retirement.by} on ${when(t.retirement.at)}` + (t.retirement.reason ? ` — ${t.retirement.reason}` : "");
  } else if (t.state === "approved" && t.approval) {
    line = `Approved by ${t.approval.by} on ${when(t.approval.at)}: on-call can launch it`;
  } else {
    line = "Waiting for an approver";
  }
  return h("li", {class: `advisory-item template-item${t.state === "retired" ? " retired" : ""}`},
    h("div", {class: "advisory-head"},
      h("a", {href: `#/templates/${t.id}`, class: "advisory-title"}, t.name),
      stateBadge(t.state),
      status ? h("span", {class: "badge test"}, status) : null),
    h("p", {class: "meta"}, line),
    h("p", {class: "meta"}, `${names.length} channel${names.length === 1 ? "" : "s"}` + (names.length ? `: ${names.join(", ")}` : "")),
    h("p", {class: "meta"}, `${shortId(t.id)} · by ${t.author}` + (t.editors.length ? `, edited by ${t.editors.join(", ")}` : "") +
      ` · last change ${when(t.updated_at || t.created_at)}`));
}

// -- what several screens show ---------------------------------------------------------------------

function shown(value) {
  if (value === null || value === undefined || value === "") return "—";
  if (Array.isArray(value)) return value.length ? value.join(", ") : "—";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** The template's advisory fields as written (placeholders and all), channels by name. */
export function contentSummary(content, accounts) {
  const named = {...content, channels: (content.channels || []).map((id) => (accounts[id] ? accounts[id].name : id))};
  return h("dl", {class: "summary"}, SHOWN.filter((n) => shown(named[n]) !== "—").map((n) =>
    [h("dt", {}, LABELS[n] || n), h("dd", {}, shown(named[n]))]));
}

/** What on-call fill in: one entry per parameter. */
export function parameterSummary(parameters) {
  if (!parameters.length) return h("p", {}, "No parameters: on-call launch it as it is.");
  return h("ul", {class: "param-list"}, parameters.map((p) => h("li", {},
    h("p", {}, h("code", {}, `{${p.name}}`), ` — ${typeName(p.type)}, ${p.required ? "required" : "optional"}` +
      (p.type === "string" && !p.allowed ? `, at most ${p.max_length} characters` : "")),
    p.description ? h("p", {class: "meta"}, p.description) : null,
    p.allowed ? h("p", {class: "meta"}, `Allowed: ${p.allowed.join(", ")}`) : null)));
}

/** The admin's own wording, as written (shown to whoever reviews the template). */
export function wordingSummary(renderings) {
  const entries = Object.entries(renderings || {});
  if (!entries.length) return null;
  return entries.map(([platform, source]) => h("details", {class: "raw"},
    h("summary", {}, `Own wording for ${platformName(platform)}`), h("pre", {}, source)));
}

/** The screening findings of a preview, as a list (blocking ones first). */
export function findingsList(findings) {
  if (!findings || !findings.length) return h("p", {class: "notice ok"}, "Screening finds nothing to fix.");
  const sorted = [...findings].sort((a, b) => Number(b.blocking !== false) - Number(a.blocking !== false));
  const blocking = sorted.filter((f) => f.blocking !== false).length;
  return h("div", {class: `notice${blocking ? " error" : ""}`},
    h("h3", {}, blocking ? `Screening: ${blocking} thing${blocking === 1 ? "" : "s"} to fix` : "Screening: things to check"),
    h("ul", {class: "preview-findings"}, sorted.map((f) =>
      h("li", {class: `finding ${f.blocking === false ? "warn" : "blocking"}`}, f.message))));
}

function typeName(type) {
  return (TYPES.find(([t]) => t === type) || [type, type])[1].toLowerCase();
}

/** A value that fits the parameter (the API's own choice when the admin gives none). */
export function sampleValue(p) {
  if (p.allowed && p.allowed.length) return p.allowed[0];
  return {string: "x", integer: "1", date: "2030-01-01", datetime: "2030-01-01T00:00:00+00:00"}[p.type] || "x";
}

/** Inputs for sample values, one per parameter: `onchange` runs whenever one changes. */
export class Samples {
  constructor(onchange) {
    this.onchange = onchange;
    this.inputs = {};   // parameter name → input or select
    this.notes = {};    // "sample.name" → the element under it
    this.params = [];
    this.remembered = {};  // values typed so far, by parameter name (kept while one is renamed and back)
    this.signature = "";
    this.box = h("div", {class: "samples", oninput: () => onchange(), onchange: () => onchange()});
  }

  /** Redraw for these parameters (values typed so far stay with their parameter's name). */
  update(parameters) {
    const usable = parameters.filter((p, i) => /^[a-z][a-z0-9_]{0,39}$/.test(p.name)
                                             && parameters.findIndex((q) => q.name === p.name) === i);
    const signature = JSON.stringify(usable.map((p) => [p.name, p.type, p.allowed]));
    if (signature === this.signature) return;
    this.signature = signature;
    for (const [n, input] of Object.entries(this.inputs)) this.remembered[n] = input.value;
    this.params = usable;
    this.inputs = {};
    this.notes = {};
    if (!usable.length) {
      show(this.box, h("p", {class: "meta"}, "Add a parameter to try the template with different values."));
      return;
    }
    show(this.box, usable.map((p) => {
      const id = newId("sample");
      const note = h("div", {class: "field-findings", id: `${id}-note`});
      let input;
      if (p.allowed && p.allowed.length) {
        input = h("select", {id, "aria-describedby": note.id}, p.allowed.map((v) => h("option", {value: v}, v)));
      } else {
        const type = {integer: "number", date: "date", datetime: "datetime-local"}[p.type] || "text";
        input = h("input", {id, type, "aria-describedby": note.id, placeholder: type === "text" ? sampleValue(p) : null,
                            inputmode: type === "number" ? "numeric" : null});
      }
      if (this.remembered[p.name] !== undefined) input.value = this.remembered[p.name];
      if (input.tagName === "SELECT" && !input.value) input.value = p.allowed[0];
      this.inputs[p.name] = input;
      this.notes[`sample.${p.name}`] = note;
      return h("div", {class: "field"}, h("label", {for: id}, h("code", {}, `{${p.name}}`),
        p.description ? ` — ${p.description}` : ""), input, note);
    }));
  }

  /** The values typed, as the API takes them (none for an empty input: the API fills a sample). */
  values() {
    const out = {};
    for (const p of this.params) {
      const value = this.inputs[p.name].value.trim();
      if (value) out[p.name] = p.type === "datetime" ? withOffset(value) : value;
    }
    return out;
  }

  /** The values a trigger would fill in: what was typed, else a sample for a required parameter. */
  filled() {
    const typed = this.values();
    return Object.fromEntries(this.params.map((p) => [p.name, typed[p.name] ?? (p.required ? sampleValue(p) : "")]));
  }
}

/** The template's content with its placeholders replaced, in one pass, as the API fills it. */
export function fill(value, values) {
  if (typeof value === "string") return value.replace(/\{([a-z][a-z0-9_]{0,39})\}/g, (_, name) => values[name] ?? "");
  if (Array.isArray(value)) return value.map((v) => fill(v, values));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, values)]));
  return value;
}

// -- a retired template: read-only ---------------------------------------------------------------

function retiredView(root, t, accounts, message) {
  const r = t.retirement;
  show(root,
    h("p", {}, h("a", {href: "#/templates"}, "← Templates")),
    h("h1", {}, t.name),
    message ? h("div", {class: "notice ok", role: "status"}, message) : null,
    h("p", {class: "meta"}, stateBadge(t.state), ` ${shortId(t.id)} · written by ${t.author}` +
      (t.editors.length ? `, edited by ${t.editors.join(", ")}` : "")),
    h("div", {class: "notice"}, h("p", {}, r ? `Retired by ${r.by} on ${when(r.at)}.` : "Retired."),
      r && r.reason ? h("p", {}, `Reason: ${r.reason}`) : null,
      h("p", {class: "meta"}, "On-call can no longer launch it, and it cannot be edited or approved again.")),
    h("section", {}, h("h2", {}, "The advisory it made"), contentSummary(t.content, accounts)),
    h("section", {}, h("h2", {}, "Parameters"), parameterSummary(t.parameters)),
    Object.keys(t.renderings || {}).length ? h("section", {}, h("h2", {}, "Own wording"), wordingSummary(t.renderings)) : null);
  return undefined;
}

// -- the form ------------------------------------------------------------------------------------

class Editor {
  constructor(root, channels, groups, template) {
    this.root = root;
    this.template = template;
    this.groups = groups;
    this.accounts = Object.fromEntries(channels.map((c) => [c.id, c]));
    const used = new Set(template ? template.content.channels || [] : []);
    this.channels = channels.filter((c) => c.enabled || used.has(c.id));
    this.fields = {};    // "headline", "renderings.sms", "name" → its control
    this.notes = {};     // the same keys → the element under the control that holds its problems
    this.params = [];    // one per parameter row: {box, fields, notes}
    this.sent = null;    // the rows in the last draft sent
    this.timer = null;
    this.sequence = 0;
    this.samples = new Samples(() => this.schedulePreview());
    this.draw();
    if (template) this.fillIn(template);
    else this.addParameter();
    this.parametersChanged();
    this.statusChanged();
    this.schedulePreview(0);
    this.cleanup = () => clearTimeout(this.timer);
  }

  // -- drawing -----------------------------------------------------------------------------------

  draw() {
    this.heading = h("h1", {});
    this.meta = h("div", {});
    this.summary = h("div", {class: "findings-summary", tabindex: "-1"});
    this.saved = h("div", {});  // "saved" until the next change: the preview's findings go in the summary
    this.previewBox = h("div", {class: "preview", "aria-live": "off"}, h("p", {class: "meta"}, "The preview appears once the template has a headline."));
    this.saveButton = h("button", {type: "submit", class: "primary"}, "Save template");
    this.retireButton = h("button", {type: "button", class: "danger", onclick: () => this.askRetire()}, "Retire…");
    this.paramList = h("div", {class: "param-rows"});
    this.form = h("form", {class: "advisory-form template-form", novalidate: true,
                           oninput: (event) => this.changed(event), onchange: (event) => this.changed(event),
                           onsubmit: (event) => { event.preventDefault(); busy(this.saveButton, () => this.save()); }},
      this.fieldset("Template", this.input("name", "Name", {hint: "On-call pick it by this name on Launch."})),
      this.fieldset("Parameters",
        h("p", {class: "hint"}, "What on-call fill in when they launch it. Use each one in the text as {name}, for example {zone}."),
        this.paramList,
        this.addButton = h("button", {type: "button", onclick: () => {
          const row = this.addParameter();
          this.parametersChanged();
          row.fields.name.focus();  // native focus: dom.focus would take it out of the tab order
        }}, "Add parameter")),
      this.fieldset("Text",
        h("p", {class: "hint"}, "Write it as it should go out, with {placeholders} where on-call’s values go."),
        TEXTS.map(([name, long]) => this.input(name, LABELS[name], {textarea: long}))),
      this.fieldset("What kind of hazard", this.input("event", LABELS.event, {placeholder: "Boil Water Notice"}),
        this.checkboxes("category", CATEGORIES), this.checkboxes("response_type", RESPONSES),
        h("div", {class: "row3"}, Object.keys(CAP_CHOICES).map((name) => this.select(name))),
        h("p", {class: "hint"}, "Each can also be a parameter on-call choose, once it is declared above.")),
      this.fieldset("Where and when", this.input("area_desc", LABELS.area_desc, {placeholder: "{zone}"}),
        this.input("expires", LABELS.expires, {hint: "Optional: usually a parameter of type date and time, e.g. {until}."})),
      this.fieldset("More information", this.input("web", LABELS.web, {type: "url", placeholder: "https://"}),
        this.input("contact", LABELS.contact),
        this.input("hashtags", LABELS.hashtags, {hint: "Words without #, separated by spaces"})),
      this.statusChoice(),
      this.channelPicker(),
      this.wordings(),
      h("div", {class: "actions sticky"}, this.saveButton, this.retireButton));
    const previewTitle = h("h2", {id: "preview-title"}, "Preview with sample values");
    show(this.root, h("p", {}, h("a", {href: "#/templates"}, "← Templates")), this.heading, this.meta, this.saved, this.summary,
      h("p", {class: "to-preview"}, h("button", {type: "button", class: "link", onclick: () => focus(previewTitle)},
        "Go to the preview")),
      h("div", {class: "write-layout"}, this.form,
        h("section", {class: "preview-pane", "aria-labelledby": "preview-title"},
          previewTitle,
          h("fieldset", {class: "sample-box"}, h("legend", {}, "Try it with"), this.samples.box),
          this.previewBox)));
    this.drawHead();
  }

  drawHead() {
    const t = this.template;
    this.heading.textContent = t ? `Edit “${t.name}”` : "New template";
    this.retireButton.hidden = !t;
    if (!t) {
      show(this.meta, h("p", {class: "meta"}, "Saved templates wait for an approver before on-call can launch them."));
      return;
    }
    show(this.meta,
      h("p", {class: "meta"}, stateBadge(t.state), ` ${shortId(t.id)} · written by ${t.author}` +
        (t.editors.length ? `, edited by ${t.editors.join(", ")}` : "") + ` · last change ${when(t.updated_at || t.created_at)}`),
      t.state === "approved" && t.approval
        ? h("div", {class: "notice", role: "note"}, `Approved by ${t.approval.by} on ${when(t.approval.at)}. Saving a change ` +
            "takes it back to draft: on-call cannot launch it until another approver approves it again.")
        : h("p", {class: "meta"}, "A draft: on-call cannot launch it until an approver who neither wrote nor edited it approves it."),
      Object.keys(t.content.translations || {}).length
        ? h("p", {class: "meta"}, `Its translations (${Object.keys(t.content.translations).join(", ")}) are kept as they are; ` +
            "this form does not edit them.") : null);
  }

  fieldset(legend, ...children) {
    return h("fieldset", {}, h("legend", {}, legend), children);
  }

  note(key) {
    const note = h("div", {class: "field-findings", id: newId("note")});
    this.notes[key] = note;
    return note;
  }

  input(name, label, {type = "text", hint, textarea = false, ...attrs} = {}) {
    const id = newId("t");
    const control = textarea ? h("textarea", {id, name, rows: 3, ...attrs}) : h("input", {id, name, type, ...attrs});
    const hintNode = hint ? h("div", {class: "hint", id: `${id}-hint`}, hint) : null;
    const note = this.note(name);
    control.setAttribute("aria-describedby", [hintNode ? hintNode.id : "", note.id].filter(Boolean).join(" "));
    this.fields[name] = control;
    return h("div", {class: "field"}, h("label", {for: id}, label), hintNode, control, note);
  }

  select(name) {
    const id = newId("t");
    const note = this.note(name);
    const control = h("select", {id, name, "aria-describedby": note.id});
    this.fields[name] = control;
    this.selectOptions(control, name);
    return h("div", {class: "field"}, h("label", {for: id}, LABELS[name]), control, note);
  }

  /** The CAP values, then the declared parameters as {name} (kept: whatever was chosen). */
  selectOptions(control, name, value = control.value) {
    const declared = this.params.map((row) => row.fields.name.value.trim()).filter((n) => /^[a-z][a-z0-9_]{0,39}$/.test(n));
    const placeholders = [...new Set(declared)].map((n) => `{${n}}`);
    const known = ["", ...CAP_CHOICES[name], ...placeholders];
    show(control, h("option", {value: ""}, "—"), CAP_CHOICES[name].map((o) => h("option", {value: o}, o)),
      placeholders.length ? h("optgroup", {label: "Chosen by on-call"}, placeholders.map((p) => h("option", {value: p}, p))) : null,
      value && !known.includes(value) ? h("option", {value}, value) : null);
    control.value = value || "";
  }

  checkboxes(name, options) {
    const note = this.note(name);
    const group = h("fieldset", {class: "choices", "aria-describedby": note.id}, h("legend", {}, LABELS[name]),
      options.map((o) => h("label", {class: "choice"},
        h("input", {type: "checkbox", name, value: o, checked: name === "category" && o === "Health"}), o)), note);
    this.fields[name] = group;
    return group;
  }

  statusChoice() {
    const note = this.note("status");
    const choices = [["Actual", "Real — goes to the public"], ["Exercise", "Exercise — test accounts only"],
                     ["Test", "Test — test accounts only"]];
    const group = h("fieldset", {class: "choices status", "aria-describedby": note.id}, h("legend", {}, "Status"),
      choices.map(([value, label]) => h("label", {class: "choice"},
        h("input", {type: "radio", name: "status", value, checked: value === "Actual",
                    onchange: () => this.statusChanged()}), label)), note);
    this.fields.status = group;
    return group;
  }

  channelPicker() {
    // A template's groups are expanded when it is saved: its approval covers the accounts they held then.
    this.picker = new ChannelPicker({accounts: this.channels, groups: this.groups, note: this.note("channels"),
      describe: (c) => [c.sandbox ? [" ", h("span", {class: "badge test"}, "test account")] : null,
                        c.enabled ? null : [" ", h("span", {class: "badge warn"}, "switched off")]]});
    this.fields.channels = this.picker.element;
    return this.picker.element;
  }

  wordings() {
    this.wordingBoxes = {};
    return this.fieldset("Own wording per platform (optional)",
      h("p", {class: "hint"}, "Leave empty to use Clarion’s standard wording. Written as a Jinja template with the post’s " +
        "fields, for example {{ post.headline }} or {{ post.required_text }}; checked in a sandbox as you type."),
      WORDED.map((platform) => {
        const name = `renderings.${platform}`;
        const box = h("details", {class: "wording"}, h("summary", {}, platformName(platform)),
          this.input(name, `Wording for ${platformName(platform)}`, {textarea: true, rows: 4, spellcheck: "false"}));
        this.wordingBoxes[name] = box;
        return box;
      }));
  }

  // -- parameters --------------------------------------------------------------------------------

  addParameter(p = {name: "", type: "string", required: true, description: "", allowed: null, max_length: 200}) {
    const row = {fields: {}, notes: {}};
    const field = (key, control, hint) => {
      const id = newId("p");
      control.id = id;
      const note = h("div", {class: "field-findings", id: newId("note")});
      const hintNode = hint ? h("div", {class: "hint", id: `${id}-hint`}, hint) : null;
      control.setAttribute("aria-describedby", [hintNode ? hintNode.id : "", note.id].filter(Boolean).join(" "));
      row.fields[key] = control;
      row.notes[key] = note;
      if (control.type === "checkbox") return h("div", {class: "field"}, h("label", {class: "choice"}, control, PARAM_LABELS[key]), note);
      return h("div", {class: `field param-${key}`}, h("label", {for: id}, PARAM_LABELS[key]), hintNode, control, note);
    };
    const name = h("input", {type: "text", value: p.name, autocomplete: "off", spellcheck: "false", autocapitalize: "none"});
    const type = h("select", {}, TYPES.map(([value, label]) => h("option", {value}, label)));
    type.value = p.type;
    const allowed = h("textarea", {rows: 3});
    allowed.value = (p.allowed || []).join("\n");
    const maxLength = h("input", {type: "number", min: 1, max: 2000, inputmode: "numeric", value: String(p.max_length ?? 200)});
    const required = h("input", {type: "checkbox", checked: p.required !== false});
    const description = h("input", {type: "text", value: p.description || ""});
    const legend = h("legend", {});
    const remove = h("button", {type: "button", class: "link", onclick: () => {
      this.params = this.params.filter((r) => r !== row);
      row.box.remove();
      this.parametersChanged();
      this.schedulePreview();
      announce("Parameter removed");
      this.addButton.focus();
    }}, "Remove this parameter");
    row.box = h("fieldset", {class: "param"}, legend,
      h("div", {class: "row2"}, field("name", name, "Lower-case letters, digits and _, starting with a letter."),
        field("type", type)),
      field("description", description),
      field("allowed", allowed, "One per line. On-call then tap one of them; leave empty to let them type a value."),
      h("div", {class: "row2"}, field("max_length", maxLength), field("required", required)),
      row.notes.box = h("div", {class: "field-findings"}),
      remove);
    row.legend = legend;
    row.remove = remove;
    this.params.push(row);
    this.paramList.append(row.box);
    return row;
  }

  parameter(row) {
    const f = row.fields;
    const out = {name: f.name.value.trim(), type: f.type.value, required: f.required.checked,
                 description: f.description.value.trim()};
    const allowed = f.allowed.value.split("\n").map((v) => v.trim()).filter(Boolean);
    if (allowed.length) out.allowed = allowed;
    if (f.max_length.value.trim()) out.max_length = Number(f.max_length.value);
    return out;
  }

  /** Parameters were added, removed or renamed: legends, sample inputs and the CAP choices follow. */
  parametersChanged() {
    this.params.forEach((row, index) => {
      const name = row.fields.name.value.trim();
      row.legend.textContent = `Parameter ${index + 1}${name ? `: {${name}}` : ""}`;
      row.remove.textContent = `Remove parameter ${index + 1}`;
      row.fields.max_length.closest(".field").hidden = row.fields.type.value !== "string";
    });
    for (const name of Object.keys(CAP_CHOICES)) this.selectOptions(this.fields[name], name);
    this.samples.update(this.params.map((row) => this.parameter(row)));
  }

  changed(event) {
    this.saved.replaceChildren();
    if (event.target.closest && event.target.closest(".param")) this.parametersChanged();
    this.schedulePreview();
  }

  statusChanged() {
    this.picker.drill(this.value("status") !== "Actual", this.form);
  }

  // -- values ------------------------------------------------------------------------------------

  value(name) {
    return chosen(this.form, name);
  }

  checked(name) {
    return allChosen(this.form, name);
  }

  content() {
    const body = {...(this.template ? this.template.content : {})};
    for (const name of MANAGED) delete body[name];
    for (const name of [...TEXTS.map(([n]) => n), ...SINGLE, ...Object.keys(CAP_CHOICES)]) {
      const value = this.fields[name].value.trim();
      if (value) body[name] = value;
    }
    body.status = this.value("status") || "Actual";
    body.category = this.checked("category");
    const responses = this.checked("response_type");
    if (responses.length) body.response_type = responses;
    const tags = this.fields.hashtags.value.split(/[\s,]+/).map((t) => t.replace(/^#/, "")).filter(Boolean);
    if (tags.length) body.hashtags = tags;
    body.channels = this.picker.value();
    return body;
  }

  /** The template as the API takes it; for a preview, a parameter row not yet named is left out. */
  draft(forPreview = false) {
    const rows = this.params.filter((row) => !forPreview || row.fields.name.value.trim());
    this.sent = rows;  // the API's "parameters.N" counts these
    const renderings = {};
    for (const platform of WORDED) {
      const source = this.fields[`renderings.${platform}`].value;
      if (source.trim()) renderings[platform] = source;
    }
    return {name: this.fields.name.value.trim(), content: this.content(),
            parameters: rows.map((row) => this.parameter(row)), renderings};
  }

  fillIn(t) {
    this.fields.name.value = t.name;
    for (const p of t.parameters) this.addParameter(p);
    this.parametersChanged();
    const c = t.content;
    for (const name of [...TEXTS.map(([n]) => n), ...SINGLE]) if (c[name] !== undefined && c[name] !== null) this.fields[name].value = c[name];
    for (const name of Object.keys(CAP_CHOICES)) this.selectOptions(this.fields[name], name, c[name] || "");
    this.fields.hashtags.value = (c.hashtags || []).join(" ");
    for (const box of this.form.querySelectorAll("input[type=checkbox][name], input[type=radio][name]")) {
      const values = box.name === "category" ? c.category || ["Health"] : box.name === "status" ? c.status || "Actual" : c[box.name];
      if (values !== undefined) box.checked = Array.isArray(values) ? values.includes(box.value) : values === box.value;
    }
    this.picker.fill(c.channels);
    for (const [platform, source] of Object.entries(t.renderings || {})) {
      const name = `renderings.${platform}`;
      if (this.fields[name]) {
        this.fields[name].value = source;
        this.wordingBoxes[name].open = true;
      }
    }
  }

  // -- preview -----------------------------------------------------------------------------------

  schedulePreview(delay = 400) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.preview(), delay);
  }

  async preview() {
    const draft = this.draft(true);
    const sequence = ++this.sequence;
    if (!draft.content.headline) {
      show(this.previewBox, h("p", {class: "meta"}, "The preview appears once the template has a headline."));
      return;
    }
    try {
      const result = await post("/templates/preview", {...draft, sample: this.samples.values()});
      if (sequence !== this.sequence) return;  // a newer keystroke's preview is on its way
      this.showProblems(result.findings, false);
      show(this.previewBox, findingsList(result.findings), channelRows(result, this.accounts));
    } catch (error) {
      if (sequence !== this.sequence) return;
      if (error instanceof ApiError && error.status === 422) {
        this.showProblems(error.details, false);
        show(this.previewBox, h("div", {class: "notice error"},
          h("p", {}, "The preview waits until the template is valid: fix what is marked."),
          h("ul", {}, (error.details || []).map((d) => h("li", {}, this.message(d))))));
      } else {
        show(this.previewBox, problem(error));
      }
    }
  }

  // -- problems next to their fields -------------------------------------------------------------

  /** Where a problem belongs: [control, note] for its field, or none (then the summary has it). */
  place(detail) {
    let field = String(detail.field || "").replace(/^body\./, "");
    if (field.startsWith("sample.")) {
      const name = field.split(".")[1];
      return this.samples.inputs[name] ? [[this.samples.inputs[name], this.samples.notes[field]]] : [];
    }
    if (field.startsWith("renderings.")) {
      return this.fields[field] ? [[this.fields[field], this.notes[field]]] : [];
    }
    const param = field.match(/^parameters\.(\d+)(?:\.([a-z_]+))?/);
    if (param) {
      const row = (this.sent || this.params)[Number(param[1])];
      if (!row) return [];
      const key = row.fields[param[2]] ? param[2] : null;
      return [[key ? row.fields[key] : row.fields.name, key ? row.notes[key] : row.notes.box]];
    }
    if (field === "parameters") {  // "zone is declared twice"
      const name = String(detail.problem || "").split(" ")[0];
      return this.params.filter((row) => row.fields.name.value.trim() === name).map((row) => [row.fields.name, row.notes.name]);
    }
    if (field === "content") {  // "placeholder {district} is not a declared parameter": under each field that uses it
      const used = String(detail.problem || "").match(/\{[a-z][a-z0-9_]*\}/);
      if (!used) return [];
      return Object.entries(this.fields).filter(([name, control]) => !name.startsWith("renderings.")
        && (control.value || "").includes(used[0])).map(([name, control]) => [control, this.notes[name]]);
    }
    const name = field.replace(/^content\./, "").replace(/\.\d+$/, "");
    return this.fields[name] && this.notes[name] ? [[this.fields[name], this.notes[name]]] : [];
  }

  message(detail) {
    if (detail.message) return detail.message;
    const field = String(detail.field || "").replace(/^body\./, "");
    let label;
    const param = field.match(/^parameters\.(\d+)(?:\.([a-z_]+))?/);
    if (param) {
      const row = (this.sent || this.params)[Number(param[1])];
      const number = row ? this.params.indexOf(row) + 1 : Number(param[1]) + 1;
      label = `Parameter ${number}` + (PARAM_LABELS[param[2]] ? `, ${PARAM_LABELS[param[2]].toLowerCase()}` : "");
    }
    else if (field.startsWith("sample.")) label = `Sample value for {${field.split(".")[1]}}`;
    else if (field.startsWith("renderings.")) label = `Wording for ${platformName(field.split(".")[1])}`;
    else if (field === "content" || field === "parameters") label = "";
    else label = LABELS[field.replace(/^content\./, "").replace(/\.\d+$/, "")] || field;
    let text = String(detail.problem || detail.code || "is not valid");
    if (param && param[2] === "name" && /pattern/.test(text)) {
      text = "use lower-case letters, digits and _ only, starting with a letter (at most 40)";
    }
    if (field === "content" && /is not a declared parameter/.test(text)) {
      return `The ${text}: add it under Parameters, or correct its spelling.`;
    }
    return label ? `${label}: ${text}` : text.charAt(0).toUpperCase() + text.slice(1);
  }

  showProblems(details, moveFocus) {
    const notes = [...Object.values(this.notes), ...Object.values(this.samples.notes),
                   ...this.params.flatMap((row) => Object.values(row.notes))];
    for (const note of notes) note.replaceChildren();
    for (const control of this.form.querySelectorAll("[aria-invalid]")) control.removeAttribute("aria-invalid");
    for (const control of Object.values(this.samples.inputs)) control.removeAttribute("aria-invalid");
    const list = Array.isArray(details) ? details : [];
    const placed = list.map((detail) => {
      const places = this.place(detail);
      for (const [control, note] of places) {
        if (detail.blocking !== false) control.setAttribute("aria-invalid", "true");
        const value = Number.isInteger(detail.start) && "value" in control ? control.value : "";
        note.append(h("p", {class: `finding ${detail.blocking === false ? "warn" : "blocking"}`}, this.message(detail),
          value ? h("span", {class: "excerpt"}, marked(value, detail.start, detail.end)) : null));
        const wording = control.closest && control.closest("details.wording");
        if (wording) wording.open = true;
      }
      return [detail, places[0] ? places[0][0] : null];
    });
    if (!list.length) {
      this.summary.replaceChildren();
      return;
    }
    const blocking = list.filter((d) => d.blocking !== false).length;
    show(this.summary, h("div", {class: blocking ? "notice error" : "notice", role: moveFocus ? "alert" : null},
      h("h2", {}, blocking ? `${blocking} thing${blocking === 1 ? "" : "s"} to fix before saving` : "Things to check"),
      h("ul", {}, placed.map(([detail, control]) => h("li", {}, control
        ? h("a", {href: "#", onclick: (event) => { event.preventDefault(); this.reveal(control); }}, this.message(detail))
        : this.message(detail))))));
    if (moveFocus) focus(this.summary);
  }

  reveal(control) {
    const wording = control.closest("details.wording");
    if (wording) wording.open = true;
    const target = control.matches("fieldset") ? control.querySelector("input:not(:disabled)") || control : control;
    if (target.matches("input, select, textarea, button")) target.focus();  // stays in the tab order
    else focus(target);
  }

  // -- save, retire ------------------------------------------------------------------------------

  async save() {
    clearTimeout(this.timer);
    this.sequence += 1;  // a preview still on its way answers an older draft
    const draft = this.draft();
    try {
      const saved = this.template ? await put(`/templates/${this.template.id}`, draft) : await post("/templates", draft);
      const first = !this.template;
      this.template = saved;
      if (location.hash !== `#/templates/${saved.id}`) history.replaceState(null, "", `#/templates/${saved.id}`);
      this.drawHead();
      this.showProblems([], false);
      show(this.saved, h("div", {class: "notice ok", role: "status"},
        `${first ? "Template saved" : "Changes saved"}: “${saved.name}” waits for an approver. On-call can launch it ` +
        "once someone who neither wrote nor edited it approves it."));
      announce("Template saved");
      this.schedulePreview(0);
    } catch (error) {
      this.saved.replaceChildren();
      if (error instanceof ApiError && error.status === 422) this.showProblems(error.details, true);
      else {
        show(this.summary, problem(error));
        focus(this.summary);
      }
    }
  }

  askRetire() {
    const t = this.template;
    const id = newId("retire");
    const reason = h("textarea", {id, rows: 3, maxlength: 2000, "aria-describedby": `${id}-hint`});
    const notice = h("div", {});
    const confirmButton = h("button", {type: "button", class: "danger"}, "Retire template");
    const dialog = h("dialog", {class: "confirm", "aria-labelledby": `${id}-title`},
      h("h2", {id: `${id}-title`}, `Retire “${t.name}”?`),
      h("p", {}, "On-call can no longer launch it, and nobody can edit or approve it again. It stays listed, " +
        "with who retired it and when."),
      notice,
      h("div", {class: "field"}, h("label", {for: id}, "Why (optional)"),
        h("p", {class: "hint", id: `${id}-hint`}, "Kept on the template and in the audit trail."), reason),
      h("div", {class: "actions"}, confirmButton, h("button", {type: "button", onclick: () => dialog.close()}, "Go back")));
    dialog.addEventListener("close", () => dialog.remove());
    confirmButton.addEventListener("click", () => busy(confirmButton, async () => {
      try {
        const retired = await post(`/templates/${t.id}/retire`, {reason: reason.value.trim()});
        dialog.close();
        clearTimeout(this.timer);
        announce("Template retired");
        retiredView(this.root, retired, this.accounts, `Retired: “${retired.name}” can no longer be launched.`);
        focus(this.root.querySelector("h1"));
      } catch (error) {
        show(notice, problem(error));
        focus(notice);
      }
    }));
    this.root.append(dialog);
    dialog.showModal();
  }
}
