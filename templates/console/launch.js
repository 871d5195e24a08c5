// On-call's launch: approved templates as big buttons; a template's choices as big buttons too
// (one-choice templates go straight to confirm: three taps from the list to a broadcast); the
// confirm step shows exactly what each channel will get; Launch sends once, whatever the taps.
import {get, post, newKey} from "./api.js";
import {announce, go, problem} from "./app.js";
import {h, show, busy, focus, marked, newId, withOffset} from "./dom.js";
import {channelRows} from "./preview.js";

export async function render(root, {args}) {
  const [{templates}, {channels}] = await Promise.all([get("/templates"), get("/channels")]);
  const accounts = Object.fromEntries(channels.map((c) => [c.id, c]));
  const approved = templates.filter((t) => t.state === "approved");
  const chosen = approved.find((t) => t.id === args[0]);
  if (chosen) return new Launch(root, chosen, accounts).start();
  show(root, h("h1", {}, "Launch an alert"),
    h("p", {}, "Pre-approved templates: fill in what the template asks, check, and send."),
    approved.length
      ? h("ul", {class: "template-list"}, approved.map((t) => h("li", {},
          h("a", {href: `#/launch/${t.id}`, class: "button big"},
            h("span", {class: "big-title"}, t.name),
            h("span", {class: "big-meta"}, `${t.content.channels.length} channels` +
              (t.content.status && t.content.status !== "Actual" ? ` · ${t.content.status}` : ""))))))
      : h("p", {class: "notice"}, "No approved template yet. An admin writes templates and an approver approves them."));
  return undefined;
}

class Launch {
  constructor(root, template, accounts) {
    Object.assign(this, {root, template, accounts, values: {}, key: newKey()});
  }

  start() {
    const [only] = this.template.parameters;
    // One parameter with a fixed set of values: tapping a value is the whole form.
    this.oneTap = this.template.parameters.length === 1 && only.allowed;
    this.form();
    return undefined;
  }

  form() {
    const t = this.template;
    const notice = h("div", {});
    const fields = t.parameters.map((p) => this.field(p));
    const next = h("button", {type: "submit", class: "primary big"}, "Check what will be sent");
    const form = h("form", {class: "launch-form", onsubmit: (event) => {
      event.preventDefault();
      busy(next, () => this.confirm(notice));
    }}, fields, this.oneTap ? null : next);
    show(this.root, h("p", {}, h("a", {href: "#/launch"}, "← Templates")), h("h1", {}, t.name), notice, form);
    this.notice = notice;
  }

  field(p) {
    const id = newId("param");
    const label = p.description ? `${p.name.replace(/_/g, " ")} — ${p.description}` : p.name.replace(/_/g, " ");
    if (p.allowed) {
      return h("fieldset", {class: "choices big-choices"}, h("legend", {}, label), p.allowed.map((value) => {
        const button = h("button", {type: "button", class: "choice big", "aria-pressed": String(this.values[p.name] === value),
          onclick: () => {
            this.values[p.name] = value;
            for (const b of button.parentNode.querySelectorAll("button")) b.setAttribute("aria-pressed", String(b === button));
            if (this.oneTap) busy(button, () => this.confirm(this.notice));
          }}, value);
        return button;
      }));
    }
    const type = {integer: "number", date: "date", datetime: "datetime-local"}[p.type] || "text";
    const input = h("input", {id, type, required: p.required, maxlength: type === "text" ? p.max_length : null,
      oninput: () => { this.values[p.name] = input.value; }});
    return h("div", {class: "field"}, h("label", {for: id}, label), input);
  }

  parameters() {
    const out = {};
    for (const p of this.template.parameters) {
      const value = this.values[p.name];
      if (value === undefined || value === "") continue;
      out[p.name] = p.type === "integer" ? Number(value) : p.type === "datetime" ? withOffset(value) : value;
    }
    return out;
  }

  async confirm(notice) {
    const missing = this.template.parameters.filter((p) => p.required && !this.values[p.name]);
    if (missing.length) {
      show(notice, h("div", {class: "notice error", role: "alert"},
        `Choose ${missing.map((p) => p.name.replace(/_/g, " ")).join(" and ")} first.`));
      focus(notice);
      return;
    }
    const parameters = this.parameters();
    let preview;
    try {
      preview = await post(`/templates/${this.template.id}/preview`, {parameters});
    } catch (error) {
      show(notice, problem(error));
      focus(notice);
      return;
    }
    const blocking = preview.findings.filter((f) => f.blocking);
    const send = h("button", {type: "button", class: "primary big danger", disabled: blocking.length > 0},
      `Launch to ${preview.channels.length} channel${preview.channels.length === 1 ? "" : "s"}`);
    const result = h("div", {});
    send.addEventListener("click", () => busy(send, () => this.launch(parameters, result)));
    const summary = Object.entries(parameters).map(([k, v]) => `${k.replace(/_/g, " ")}: ${v}`).join(" · ");
    show(this.root,
      h("p", {}, h("a", {href: `#/launch/${this.template.id}`, onclick: (e) => { e.preventDefault(); this.form(); }},
        "← Change")),
      h("h1", {}, "Check and launch"),
      h("p", {class: "lead"}, h("strong", {}, this.template.name), summary ? ` — ${summary}` : ""),
      blocking.length ? h("div", {class: "notice error", role: "alert"}, h("p", {}, "Screening blocks this launch:"),
        h("ul", {}, blocking.map((f) => h("li", {class: "finding blocking"}, f.message, excerpt(f, parameters))))) : null,
      result,
      h("div", {class: "actions sticky"}, send),
      h("h2", {}, "What each channel will get"),
      channelRows(preview, this.accounts));
    // The first channel open: the exact words are in view before the launch, the rest a tap away.
    const first = this.root.querySelector(".channel-row");
    if (first) first.open = true;
    focus(this.root.querySelector("h1"));
  }

  async launch(parameters, result) {
    try {
      // The same key for every retry of this launch: a second tap, or a retry after a lost
      // answer, can never send the alert twice.
      const advisory = await post(`/templates/${this.template.id}/trigger`, {parameters}, {idempotencyKey: this.key});
      announce(advisory.duplicate ? "Already launched: showing it" : "Launched: sending now");
      go(`#/advisories/${advisory.id}`);
    } catch (error) {
      show(result, problem(error));
      focus(result);
    }
  }
}

/** A finding in a parameter's value, marked where it is ("parameters.area" at its offsets). */
function excerpt(finding, parameters) {
  const name = (finding.field || "").startsWith("parameters.") ? finding.field.slice("parameters.".length) : null;
  const value = name !== null && parameters[name] !== undefined ? String(parameters[name]) : "";
  return value && Number.isInteger(finding.start) ? h("span", {class: "excerpt"}, marked(value, finding.start, finding.end))
                                                  : null;
}
