// The organisation: the kill switch (an admin pauses every outgoing delivery, an approver confirms,
// an admin resumes) and the settings everyone works under (admins edit them; a save is one new
// revision, refused when someone else saved first).
import {get, post, put} from "./api.js";
import {announce, may, me, problem, refreshSwitch} from "./app.js";
import {h, show, busy, focus, newId, when} from "./dom.js";

const LISTS = [
  ["phone_allowlist", "Public phone numbers", "Hotlines and switchboards that may appear in advisories. One per line."],
  ["email_allowlist", "Public e-mail domains and addresses", "One per line, e.g. health.example.org."],
  ["banned_claims", "Banned claims", "Wording screening blocks, e.g. “100% effective”. One per line."],
];
const FIELDS = [
  ["sender_name", "Organisation name", "text", "As posts and feeds name the sender."],
  ["sender", "CAP sender", "text", "The CAP 1.2 sender id, usually an address."],
  ["public_base_url", "Public base URL", "url", "Where the banner and the feeds are served."],
  ["phone_region", "Phone region", "text", "Two letters (ISO 3166), e.g. US or GB: how national numbers are read."],
  ["sms_max_segments", "SMS parts at most", "number", "An SMS account's own limit overrides it."],
];
const SWITCHES = [
  ["phi_second_opinion", "Second opinion on patient data",
   "Amazon Comprehend Medical also reads English text; what it finds warns the spokesperson and the approver " +
   "(it never blocks on its own). Sends advisory text to the AWS service in this deployment's region."],
];

export async function render(root) {
  const [switchState, settings] = await Promise.all([get("/switch"), get("/settings")]);
  const switchCard = h("section", {class: "card", "aria-labelledby": "switch-title"});
  const settingsCard = h("section", {class: "card", "aria-labelledby": "settings-title"});
  show(root, h("h1", {}, "Organisation"), switchCard, settingsCard);
  drawSwitch(switchCard, switchState);
  drawSettings(settingsCard, settings);
  return undefined;
}

// -- the kill switch ----------------------------------------------------------------------------
function drawSwitch(card, state) {
  const notice = h("div", {});
  const title = h("h2", {id: "switch-title"}, "Outgoing deliveries");
  const parts = [title, notice, h("p", {class: "lead"}, stateSentence(state))];
  if (state.state === "running" && may("admin")) parts.push(pauseForm(card, notice));
  if (state.state === "pause_requested") {
    if (may("approver") && me().id !== state.requested_by) {
      parts.push(h("div", {class: "actions"}, h("button", {type: "button", class: "danger big",
        onclick: (event) => act(event.currentTarget, card, notice, () => post("/switch/confirm"),
                                "All deliveries are paused.")}, "Confirm: pause all deliveries")));
    } else {
      parts.push(h("p", {class: "hint"}, "A person with the approver role, other than who asked, must confirm."));
    }
  }
  if (state.state !== "running" && may("admin")) {
    parts.push(h("div", {class: "actions"}, h("button", {type: "button", class: "primary big",
      onclick: (event) => act(event.currentTarget, card, notice, () => post("/switch/resume"),
                              "Deliveries resumed: held posts go out now.")},
      state.state === "paused" ? "Resume deliveries" : "Cancel the pause request")));
  }
  show(card, ...parts);
}

function stateSentence(state) {
  if (state.state === "paused") {
    return `Paused since ${when(state.confirmed_at)}: asked by ${state.requested_by}, confirmed by ` +
      `${state.confirmed_by}. Reason: ${state.reason}. Workers post nothing and hold every message.`;
  }
  if (state.state === "pause_requested") {
    return `${state.requested_by} asked to pause all deliveries at ${when(state.requested_at)} ` +
      `(${state.reason}). Deliveries go on until an approver confirms.`;
  }
  return "Running: approved advisories go out to every channel.";
}

function pauseForm(card, notice) {
  const id = newId("reason");
  const reason = h("textarea", {id, rows: 2, "aria-required": "true", maxlength: 500});
  const button = h("button", {type: "submit", class: "danger"}, "Ask to pause all deliveries");
  return h("form", {class: "pause-form", onsubmit: (event) => {
    event.preventDefault();
    if (!reason.value.trim()) {
      reason.setAttribute("aria-invalid", "true");
      show(notice, h("div", {class: "notice error", role: "alert"}, "Say why: the confirming approver reads it."));
      focus(reason);
      return;
    }
    act(button, card, notice, () => post("/switch/pause", {reason: reason.value.trim()}),
        "Pause requested: an approver must confirm it.");
  }}, h("div", {class: "field"}, h("label", {for: id}, "Why pause everything?"), reason), button);
}

async function act(button, card, notice, call, done) {
  await busy(button, async () => {
    try {
      const state = await call();
      drawSwitch(card, state);
      refreshSwitch(state);
      announce(done);
      focus(card.querySelector("h2"));
    } catch (error) {
      show(notice, problem(error));
      focus(notice);
    }
  });
}

// -- the settings -------------------------------------------------------------------------------
function drawSettings(card, settings, message) {
  const editable = may("admin");
  const notice = h("div", {}, message ? h("div", {class: "notice ok", role: "status"}, message) : null);
  const inputs = {};
  const fields = FIELDS.map(([name, label, type, hint]) => {
    const id = newId(name);
    inputs[name] = h("input", {id, name, type, value: String(settings[name] ?? ""), readOnly: !editable,
                               ...(type === "number" ? {min: 1, max: 10} : {}), "aria-describedby": `${id}-hint`});
    return h("div", {class: "field"}, h("label", {for: id}, label), inputs[name],
             h("p", {class: "hint", id: `${id}-hint`}, hint));
  });
  const lists = LISTS.map(([name, label, hint]) => {
    const id = newId(name);
    inputs[name] = h("textarea", {id, name, rows: 4, readOnly: !editable, "aria-describedby": `${id}-hint`});
    inputs[name].value = settings[name].join("\n");
    return h("div", {class: "field"}, h("label", {for: id}, label), inputs[name],
             h("p", {class: "hint", id: `${id}-hint`}, hint));
  });
  const switches = SWITCHES.map(([name, label, hint]) => {
    const id = newId(name);
    inputs[name] = h("input", {id, name, type: "checkbox", checked: settings[name] === true, disabled: !editable,
                               "aria-describedby": `${id}-hint`});
    return h("div", {class: "field check"}, h("label", {for: id}, inputs[name], " ", label),
             h("p", {class: "hint", id: `${id}-hint`}, hint));
  });
  const saved = settings.updated_by
    ? `Revision ${settings.revision}, saved by ${settings.updated_by} on ${when(settings.updated_at)}.`
    : "The deployment's defaults: nobody has changed them yet.";
  const save = h("button", {type: "submit", class: "primary"}, "Save settings");
  const form = h("form", {class: "settings-form", onsubmit: (event) => {
    event.preventDefault();
    busy(save, () => saveSettings(card, notice, settings, inputs));
  }}, h("div", {class: "row2"}, fields), lists, switches, editable ? h("div", {class: "actions"}, save) : null);
  show(card, h("h2", {id: "settings-title"}, "Settings"), h("p", {class: "meta"}, saved), notice, form);
}

async function saveSettings(card, notice, settings, inputs) {
  const change = {revision: settings.revision};
  for (const [name] of FIELDS) {
    const value = inputs[name].type === "number" ? Number(inputs[name].value) : inputs[name].value.trim();
    if (value !== settings[name]) change[name] = value;
  }
  for (const [name] of SWITCHES) {
    if (inputs[name].checked !== (settings[name] === true)) change[name] = inputs[name].checked;
  }
  for (const [name] of LISTS) {
    const value = inputs[name].value.split("\n").map((v) => v.trim()).filter(Boolean);
    if (value.join("\n") !== settings[name].join("\n")) change[name] = value;
  }
  for (const input of Object.values(inputs)) input.removeAttribute("aria-invalid");
  if (Object.keys(change).length === 1) {
    show(notice, h("div", {class: "notice", role: "status"}, "Nothing changed."));
    return;
  }
  try {
    const updated = await put("/settings", change);
    drawSettings(card, updated, "Saved. Screening, previews and feeds use them from the next request.");
    announce("Settings saved.");
  } catch (error) {
    for (const detail of Array.isArray(error.details) ? error.details : []) {
      const input = inputs[String(detail.field || "").split(".")[0]];
      if (input) input.setAttribute("aria-invalid", "true");
    }
    show(notice, problem(error));
    focus(notice);
  }
}
