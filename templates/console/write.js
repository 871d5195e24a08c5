// The spokesperson's form: every field the API takes, translations as tabs, channels grouped by
// platform, a live preview of every channel, and findings next to the field they concern.
import {get, post, put, ApiError} from "./api.js";
import {announce, go, problem} from "./app.js";
import {h, show, busy, focus, marked, newId, shortId, withOffset, chosen, allChosen} from "./dom.js";
import {LABELS, channelRows} from "./preview.js";
import {readinessNote} from "./channels.js";  // each account's latest readiness check
import {ChannelPicker} from "./picker.js";  // accounts by platform, and the channel groups

const CATEGORIES = ["Health", "Safety", "Security", "Env", "Infra", "Transport", "Rescue", "Fire", "Geo", "Met", "CBRNE", "Other"];
const RESPONSES = ["Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess", "AllClear", "None"];
const URGENCY = ["Immediate", "Expected", "Future", "Past", "Unknown"];
const SEVERITY = ["Extreme", "Severe", "Moderate", "Minor", "Unknown"];
const CERTAINTY = ["Observed", "Likely", "Possible", "Unlikely", "Unknown"];
const TEXTS = [["headline", "Headline", 160, false], ["description", "What happened", 5000, true],
               ["instruction", "What people should do", 2000, true],
               ["required_text", "Text every channel must carry whole", 2000, true]];

export async function render(root, {args}) {
  const [id] = args;
  const [{channels}, {channel_groups: groups}, advisory] = await Promise.all([get("/channels"),
    get("/channel-groups"), id ? get(`/advisories/${id}`) : null]);
  if (advisory && !["draft", "rejected"].includes(advisory.state)) {
    show(root, h("h1", {}, advisory.content.headline),
      h("p", {}, `This advisory is ${advisory.state.replace(/_/g, " ")}; it can no longer be edited.`),
      h("a", {href: `#/advisories/${advisory.id}`}, "Watch its deliveries"));
    return undefined;
  }
  return new Writer(root, channels, groups, advisory).cleanup;
}

class Writer {
  constructor(root, channels, groups, advisory) {
    this.root = root;
    this.accounts = Object.fromEntries(channels.map((c) => [c.id, c]));
    this.channels = channels.filter((c) => c.enabled);
    this.groups = groups;
    this.advisory = advisory;
    this.fields = {};          // name → input (translations: "translations.fr.headline")
    this.notes = {};           // name → the element under a field that holds its findings
    this.translations = [];    // language tags in tab order
    this.timer = null;
    this.sequence = 0;
    this.draw();
    if (advisory) this.fill(advisory.content);
    this.statusChanged();
    this.schedulePreview(0);
    this.cleanup = () => clearTimeout(this.timer);
  }

  // -- drawing -------------------------------------------------------------------------------

  draw() {
    const a = this.advisory;
    this.summary = h("div", {class: "findings-summary", tabindex: "-1"});
    this.previewBox = h("div", {class: "preview", "aria-live": "off"}, h("p", {class: "meta"}, "The preview appears as you type."));
    this.saveButton = h("button", {type: "button", onclick: () => busy(this.saveButton, () => this.save())}, "Save draft");
    this.submitButton = h("button", {type: "submit", class: "primary"}, "Submit for approval");
    this.form = h("form", {class: "advisory-form", novalidate: true, oninput: () => this.schedulePreview(),
                           onchange: () => this.schedulePreview(),
                           onsubmit: (event) => { event.preventDefault(); busy(this.submitButton, () => this.submit()); }},
      this.followUpNote(),
      this.rejectionNote(),
      this.fieldset("Message", this.statusChoice()),
      this.textTabs(),
      this.fieldset("What kind of hazard", this.input("event", {maxlength: 100, placeholder: "Boil Water Notice"}),
        this.checkboxes("category", CATEGORIES, ["Health"]), this.checkboxes("response_type", RESPONSES, []),
        h("div", {class: "row3"}, this.select("urgency", URGENCY), this.select("severity", SEVERITY),
          this.select("certainty", CERTAINTY))),
      this.fieldset("Where and when", this.input("area_desc", {maxlength: 500, placeholder: "Riverside district"}),
        h("div", {class: "row2"}, this.input("effective", {type: "datetime-local"}),
          this.input("expires", {type: "datetime-local"}))),
      this.fieldset("More information", this.input("web", {type: "url", placeholder: "https://"}),
        this.input("contact", {maxlength: 200}),
        this.input("hashtags", {placeholder: "BoilWater Riverside", hint: "Words without #, separated by spaces"})),
      this.channelPicker(),
      h("div", {class: "actions sticky"}, this.saveButton, this.submitButton));
    show(this.root,
      h("h1", {}, a ? (a.msg_type === "Alert" ? "Edit draft" : `${a.msg_type} draft`) : "New advisory"),
      this.summary,
      h("div", {class: "write-layout"}, this.form,
        h("section", {class: "preview-pane", "aria-labelledby": "preview-title"},
          h("h2", {id: "preview-title"}, "Preview on every channel"), this.previewBox)));
  }

  followUpNote() {
    const a = this.advisory;
    if (!a || a.msg_type === "Alert") return null;
    const previous = a.references[a.references.length - 1];
    return h("p", {class: "notice"}, `This ${a.msg_type === "Cancel" ? "all-clear (Cancel)" : "Update"} follows `,
      h("a", {href: `#/advisories/${previous}`}, `advisory ${shortId(previous)}`), ". Approving it replaces that advisory on every channel.");
  }

  rejectionNote() {
    // The latest rejection stays on the advisory while the author revises it.
    const a = this.advisory;
    const r = a && a.rejection && ["draft", "rejected"].includes(a.state) ? a.rejection : null;
    if (!r) return null;
    return h("div", {class: "notice error", role: "note"}, h("strong", {}, `Rejected by ${r.by}: `),
      r.reason || "no reason given", h("p", {class: "meta"}, "Revise it and submit it again."));
  }

  fieldset(legend, ...children) {
    return h("fieldset", {}, h("legend", {}, legend), children);
  }

  note(name) {
    const id = newId("note");
    this.notes[name] = h("div", {class: "field-findings", id});
    return this.notes[name];
  }

  input(name, {type = "text", hint, textarea = false, ...attrs} = {}) {
    const id = newId("f");
    const control = textarea ? h("textarea", {id, name, rows: 3, ...attrs}) : h("input", {id, name, type, ...attrs});
    const hintNode = hint ? h("div", {class: "hint", id: `${id}-hint`}, hint) : null;
    const note = this.note(name);
    control.setAttribute("aria-describedby", [hintNode ? `${id}-hint` : "", note.id].filter(Boolean).join(" "));
    this.fields[name] = control;
    return h("div", {class: "field"}, h("label", {for: id}, LABELS[name] || name.split(".").pop()), hintNode, control, note);
  }

  select(name, options) {
    const id = newId("f");
    const note = this.note(name);
    const control = h("select", {id, name, "aria-describedby": note.id},
      h("option", {value: ""}, "—"), options.map((o) => h("option", {value: o}, o)));
    this.fields[name] = control;
    return h("div", {class: "field"}, h("label", {for: id}, LABELS[name]), control, note);
  }

  checkboxes(name, options, checked) {
    const note = this.note(name);
    const group = h("fieldset", {class: "choices", "aria-describedby": note.id}, h("legend", {}, LABELS[name]),
      options.map((o) => h("label", {class: "choice"},
        h("input", {type: "checkbox", name, value: o, checked: checked.includes(o)}), o)), note);
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

  textTabs() {
    this.tabList = h("div", {role: "tablist", class: "tabs", "aria-label": "Languages"});
    this.panels = h("div", {});
    this.addLanguage = h("input", {type: "text", size: 6, placeholder: "fr", "aria-label": "Language tag to add, for example es or fr-CA"});
    const addButton = h("button", {type: "button", onclick: () => this.addTranslation(this.addLanguage.value.trim())}, "Add language");
    const languageInput = this.input("language", {value: "en-US", size: 8, hint: "The main text's language"});
    this.mainPanel = this.panel("main", TEXTS.map(([name, , max, long]) => this.input(name, {maxlength: max, textarea: long})),
      languageInput);
    this.tab("main", "Main text");
    this.panels.append(this.mainPanel);
    return this.fieldset("Text", this.tabList, this.panels, h("div", {class: "add-language"}, this.addLanguage, addButton));
  }

  tab(key, label) {
    const tab = h("button", {type: "button", role: "tab", id: `tab-${key}`, "aria-controls": `panel-${key}`,
                             "aria-selected": "false", tabindex: "-1", onclick: () => this.selectTab(key),
                             onkeydown: (event) => this.tabKeys(event)}, label);
    this.tabList.append(tab);
    this.selectTab(key);
    return tab;
  }

  panel(key, ...children) {
    return h("div", {role: "tabpanel", id: `panel-${key}`, "aria-labelledby": `tab-${key}`, class: "tab-panel"}, children);
  }

  selectTab(key) {
    for (const tab of this.tabList.children) {
      const selected = tab.id === `tab-${key}`;
      tab.setAttribute("aria-selected", String(selected));
      tab.tabIndex = selected ? 0 : -1;
    }
    for (const panel of this.panels.children) panel.hidden = panel.id !== `panel-${key}`;
  }

  tabKeys(event) {
    const tabs = [...this.tabList.children];
    const index = tabs.indexOf(event.target);
    const next = {ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1}[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const tab = tabs[(next + tabs.length) % tabs.length];
    tab.click();
    tab.focus();
  }

  addTranslation(language, text = {}) {
    if (!/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(language) || this.translations.includes(language)) {
      announce(`Type a language tag such as fr or es-MX that is not there yet`);
      focus(this.addLanguage);
      return;
    }
    this.translations.push(language);
    const remove = h("button", {type: "button", class: "link", onclick: () => {
      this.translations = this.translations.filter((t) => t !== language);
      document.getElementById(`tab-${language}`).remove();
      document.getElementById(`panel-${language}`).remove();
      this.selectTab("main");
      this.schedulePreview();
    }}, `Remove ${language}`);
    const panel = this.panel(language, TEXTS.map(([name, , max, long]) =>
      this.input(`translations.${language}.${name}`, {maxlength: max, textarea: long, value: text[name] || ""})), remove);
    for (const [name] of TEXTS) LABELS[`translations.${language}.${name}`] = `${LABELS[name]} (${language})`;
    this.panels.append(panel);
    this.tab(language, language);
    for (const [name] of TEXTS) this.fields[`translations.${language}.${name}`].value = text[name] || "";
    this.addLanguage.value = "";
  }

  channelPicker() {
    this.picker = new ChannelPicker({accounts: this.channels, groups: this.groups, note: this.note("channels"),
      describe: (c) => [c.sandbox ? [" ", h("span", {class: "badge test"}, "test account")] : null,
                        c.health ? readinessNote(c.health, {short: true}) : null]});
    this.fields.channels = this.picker.element;
    return this.picker.element;
  }

  statusChanged() {
    this.picker.drill(this.value("status") !== "Actual", this.form);
  }

  // -- values --------------------------------------------------------------------------------

  value(name) {
    return chosen(this.form, name);
  }

  checked(name) {
    return allChosen(this.form, name);
  }

  content() {
    const body = {status: this.value("status"), category: this.checked("category"),
                  response_type: this.checked("response_type"), channels: this.picker.value()};
    for (const name of ["headline", "description", "instruction", "required_text", "event", "urgency", "severity",
                        "certainty", "area_desc", "web", "contact", "language"]) {
      const value = this.fields[name].value.trim();
      if (value) body[name] = value;
    }
    for (const name of ["effective", "expires"]) {
      if (this.fields[name].value) body[name] = withOffset(this.fields[name].value);
    }
    const tags = tagsOf(this.fields.hashtags.value);
    if (tags.length) body.hashtags = tags;
    if (this.translations.length) {
      body.translations = Object.fromEntries(this.translations.map((language) => [language,
        Object.fromEntries(TEXTS.map(([name]) => [name, this.fields[`translations.${language}.${name}`].value.trim()]))]));
    }
    return body;
  }

  fill(content) {
    for (const name of ["headline", "description", "instruction", "required_text", "event", "urgency", "severity",
                        "certainty", "area_desc", "web", "contact", "language"]) {
      if (content[name] !== null && content[name] !== undefined) this.fields[name].value = content[name];
    }
    for (const name of ["effective", "expires"]) if (content[name]) this.fields[name].value = localInput(content[name]);
    this.fields.hashtags.value = (content.hashtags || []).join(" ");
    for (const box of this.form.querySelectorAll("input[type=checkbox], input[type=radio]")) {
      const values = content[box.name];
      if (values !== undefined) box.checked = Array.isArray(values) ? values.includes(box.value) : values === box.value;
    }
    this.picker.fill(content.channels);  // the saved accounts; the groups they make up show ticked
    for (const [language, text] of Object.entries(content.translations || {})) this.addTranslation(language, text);
    this.selectTab("main");
  }

  // -- preview, findings ---------------------------------------------------------------------

  schedulePreview(delay = 350) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.preview(), delay);
  }

  async preview() {
    const content = this.content();
    if (!content.headline) return;
    const sequence = ++this.sequence;
    try {
      const result = await post("/advisories/preview", content);
      if (sequence !== this.sequence) return;  // a newer keystroke's preview is on its way
      show(this.previewBox, channelRows(result, this.accounts));
      this.showFindings(result.findings, false);
    } catch (error) {
      if (sequence !== this.sequence) return;
      if (error instanceof ApiError && error.status === 422) this.showFindings(error.details, false);
      else show(this.previewBox, problem(error));
    }
  }

  /** Findings under their fields, the offending text marked, and a summary at the top. */
  showFindings(findings, moveFocus) {
    for (const note of Object.values(this.notes)) note.replaceChildren();
    for (const control of Object.values(this.fields)) control.removeAttribute("aria-invalid");
    for (const finding of findings || []) {
      const name = fieldOf(finding);
      const message = finding.message || `${LABELS[name] || name}: ${finding.problem}`;
      const note = name && this.notes[name];
      if (!note) continue;  // listed in the summary only
      if (finding.blocking !== false) this.fields[name].setAttribute("aria-invalid", "true");
      const value = this.screened(name);
      note.append(h("p", {class: `finding ${finding.blocking === false ? "warn" : "blocking"}`}, message,
        Number.isInteger(finding.start) && value ? h("span", {class: "excerpt"}, marked(value, finding.start, finding.end)) : null));
    }
    const blocking = (findings || []).filter((f) => f.blocking !== false);
    if (!findings || !findings.length) {
      this.summary.replaceChildren();
      return;
    }
    show(this.summary, h("div", {class: blocking.length ? "notice error" : "notice", role: moveFocus ? "alert" : null},
      h("h2", {}, blocking.length ? `${blocking.length} thing${blocking.length === 1 ? "" : "s"} to fix before submitting`
                                  : "Things to check"),
      h("ul", {}, (findings || []).map((f) => {
        const name = fieldOf(f);
        const text = f.message || `${LABELS[name] || name}: ${f.problem}`;
        const control = name && this.fields[name];
        return h("li", {}, control ? h("a", {href: "#", onclick: (event) => { event.preventDefault(); this.reveal(name); }}, text)
                                   : text);
      }))));
    if (moveFocus) focus(this.summary);
  }

  /** A field's text as the server screened it (the offsets of its findings count in this text):
   *  the link as the URL standard writes it, the hashtags without # and one space apart. */
  screened(name) {
    const value = (this.fields[name].value || "").trim();
    if (name === "hashtags") return tagsOf(value).join(" ");
    if (name === "web" && value) {
      try { return new URL(value).href; } catch { return value; }
    }
    return value;
  }

  reveal(name) {
    const language = name.startsWith("translations.") ? name.split(".")[1] : null;
    this.selectTab(language || "main");
    const control = this.fields[name];
    focus(control.matches("fieldset") ? control.querySelector("input") || control : control);
  }

  // -- save, submit --------------------------------------------------------------------------

  async save() {
    try {
      await this.store();
      announce("Draft saved");
      show(this.summary, h("div", {class: "notice ok", role: "status"}, `Draft saved (${shortId(this.advisory.id)}).`));
      return true;
    } catch (error) {
      this.failed(error);
      return false;
    }
  }

  async store() {
    const content = this.content();
    this.advisory = this.advisory ? await put(`/advisories/${this.advisory.id}`, content)
                                  : await post("/advisories", content);
    if (location.hash !== `#/write/${this.advisory.id}`) history.replaceState(null, "", `#/write/${this.advisory.id}`);
  }

  async submit() {
    try {
      await this.store();
      const preview = await get(`/advisories/${this.advisory.id}/preview`);
      // Screen first: a failed screen leaves the one saved draft, never another.
      if (preview.blocking) {
        this.showFindings(preview.findings, true);
        return;
      }
      await post(`/advisories/${this.advisory.id}/submit`);
      announce("Submitted for approval");
      go(`#/mine/${this.advisory.id}`);
    } catch (error) {
      this.failed(error);
    }
  }

  failed(error) {
    if (error instanceof ApiError && error.status === 422) {
      this.showFindings(error.details, true);
    } else {
      show(this.summary, problem(error));
      focus(this.summary);
    }
  }
}

function tagsOf(value) {
  return [...new Set(value.split(/[\s,]+/).map((t) => t.replace(/^#/, "")).filter(Boolean))];
}

function fieldOf(finding) {
  if (finding.field) return finding.field.replace(/^body\./, "").replace(/\.\d+$/, "");
  return null;
}


function localInput(iso) {
  const date = new Date(iso);
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
