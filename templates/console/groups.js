// The admin's channel groups (issue 16): named lists of accounts that the composer and the template
// editor offer as one choice ("County health departments (97 accounts)"). The list, a new group,
// and one group's page: its label, description and accounts (found by name, ticked in bulk), saved
// from the revision loaded (a change made meanwhile is a 409 the page explains), and delete.
// A group is expanded when a draft is saved: changing it later changes no saved draft or template.
import {get, put, call, ApiError} from "./api.js";
import {announce, go, problem} from "./app.js";
import {h, show, busy, focus, newId, when} from "./dom.js";
import {platformName} from "./preview.js";
import {Fields, confirmDialog} from "./channels.js";

const MAX_ACCOUNTS = 1000;  // as the API (domain/groups.py)
const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
let flash = null;  // what the list says first ("Created …", "Deleted …")

const enc = encodeURIComponent;
const plural = (n, word) => `${n.toLocaleString()} ${word}${n === 1 ? "" : "s"}`;

export async function render(root, {args}) {
  const [{channels}, {channel_groups: groups}] = await Promise.all([get("/channels"), get("/channel-groups")]);
  if (args[0] === "new") return groupScreen(root, channels, null);
  if (args[0]) {
    const group = groups.find((g) => g.name === args[0]);
    if (group) return groupScreen(root, channels, group);
    show(root, h("p", {}, h("a", {href: "#/groups"}, "← Channel groups")), h("h1", {}, "No such group"),
      h("p", {}, `There is no channel group ${args[0]}: it may have been deleted.`));
    return undefined;
  }
  return listScreen(root, channels, groups);
}

/** "county-health" from "County health" (as the API's account slugs are made). */
function slugOf(text) {
  return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 63).replace(/-+$/, "");
}

/** How many of a group's accounts are switched off or gone: the composer leaves those out. */
function leftOut(group, accounts) {
  const off = group.channels.filter((id) => accounts[id] && !accounts[id].enabled).length;
  const gone = group.channels.filter((id) => !accounts[id]).length;
  return [off ? `${off.toLocaleString()} switched off` : null, gone ? `${gone.toLocaleString()} deleted` : null]
    .filter(Boolean);
}

// -- the list -----------------------------------------------------------------------------------

function listScreen(root, channels, groups) {
  const accounts = Object.fromEntries(channels.map((c) => [c.id, c]));
  const says = flash;
  flash = null;
  const sorted = [...groups].sort((a, b) => a.label.localeCompare(b.label));
  const rows = sorted.map((g) => {
    const notes = leftOut(g, accounts);
    return h("tr", {},
      h("th", {scope: "row"}, h("a", {href: `#/groups/${enc(g.name)}`}, g.label),
        h("span", {class: "cell-meta"}, `group:${g.name}`)),
      h("td", {"data-label": "Accounts"}, plural(g.channels.length, "account"),
        notes.length ? h("span", {class: "cell-meta"}, `${notes.join(", ")}: left out when chosen`) : null),
      h("td", {"data-label": "Description"}, g.description || "—"),
      h("td", {"data-label": "Changed"}, when(g.updated_at), h("span", {class: "cell-meta"}, `by ${g.updated_by}`)));
  });
  show(root,
    h("h1", {}, "Channel groups"),
    h("p", {class: "lead"}, "Named lists of channel accounts. Whoever writes an advisory or a template ticks a " +
      "group instead of each of its accounts; the group is turned into its accounts when the draft is saved, so " +
      "the approver approves, and Clarion sends to, those accounts."),
    says ? h("div", {class: "notice ok", role: "status"}, says) : null,
    h("div", {class: "actions"}, h("a", {href: "#/groups/new", class: "button primary"}, "Add a channel group")),
    sorted.length ? h("div", {class: "table-wrap"}, h("table", {class: "stack groups"},
      h("caption", {}, plural(sorted.length, "channel group")),
      h("thead", {}, h("tr", {}, ["Group", "Accounts", "Description", "Changed"].map((t) => h("th", {scope: "col"}, t)))),
      h("tbody", {}, rows)))
      : h("p", {}, "There are no channel groups yet."));
  return undefined;
}

// -- a new group, or one group --------------------------------------------------------------------

function groupScreen(root, channels, group) {
  const accounts = Object.fromEntries(channels.map((c) => [c.id, c]));
  const fields = new Fields();
  const summary = h("div", {class: "form-summary", tabindex: "-1"});
  const label = h("input", {type: "text", name: "label", maxlength: 120, value: group ? group.label : ""});
  const name = h("input", {type: "text", name: "name", maxlength: 63, spellcheck: "false", autocapitalize: "off",
                           value: group ? group.name : ""});
  const description = h("textarea", {name: "description", rows: 2, maxlength: 500});
  description.value = group ? group.description : "";
  let nameTouched = !!group;
  name.addEventListener("input", () => { nameTouched = true; });
  label.addEventListener("input", () => { if (!nameTouched) name.value = slugOf(label.value); });

  // -- the accounts: by platform, found by name, ticked in bulk
  const members = new Set(group ? group.channels : []);
  const gone = group ? group.channels.filter((id) => !accounts[id]) : [];
  const boxes = [];
  const byPlatform = {};
  for (const c of channels) (byPlatform[c.platform] ||= []).push(c);
  const platformSets = Object.entries(byPlatform).map(([platform, list]) => h("fieldset", {class: "platform"},
    h("legend", {}, platformName(platform)),
    list.map((c) => {
      const box = h("input", {type: "checkbox", name: "channels", value: c.id, checked: members.has(c.id)});
      boxes.push(box);
      return h("label", {class: "choice"}, box, h("span", {class: "choice-text"}, c.name,
        c.sandbox ? [" ", h("span", {class: "badge test"}, "test account")] : null,
        c.enabled ? null : [" ", h("span", {class: "badge warn"}, "switched off")],
        h("span", {class: "cell-meta"}, c.id)));
    })));
  const count = h("p", {class: "group-total"});
  const filterId = newId("f");
  const filter = h("input", {id: filterId, type: "search", spellcheck: "false", autocapitalize: "off",
                             "aria-describedby": `${filterId}-hint`});
  const shown = () => boxes.filter((b) => !b.closest("label").hidden);
  const tickShown = (checked) => {
    const list = shown();
    for (const box of list) box.checked = checked;
    membersSet.dispatchEvent(new Event("change"));
    announce(`${checked ? "Ticked" : "Unticked"} ${plural(list.length, "account")}; ${count.textContent}`);
  };
  function recount() {
    const n = boxes.filter((b) => b.checked).length;
    count.textContent = `${plural(n, "account")} in the group` +
      (n > MAX_ACCOUNTS ? `: at most ${MAX_ACCOUNTS.toLocaleString()} can be saved` : "");
    count.className = n > MAX_ACCOUNTS ? "group-total error-text" : "group-total";
  }
  function applyFilter() {
    const words = filter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    for (const box of boxes) {
      const row = box.closest("label");
      const text = row.textContent.toLowerCase();
      row.hidden = !words.every((w) => text.includes(w));
    }
    for (const set of platformSets) set.hidden = [...set.querySelectorAll("label.choice")].every((l) => l.hidden);
    const found = shown().length;
    matches.textContent = words.length ? `${plural(found, "account")} match${found === 1 ? "es" : ""}` : "";
  }
  const matches = h("p", {class: "meta", role: "status"});
  filter.addEventListener("input", applyFilter);
  const membersNote = h("div", {class: "field-findings", id: newId("note")});
  const membersSet = h("fieldset", {class: "group-members", "aria-describedby": membersNote.id, onchange: (event) => {
    if (event.target === filter) return;  // the search box's change (on blur) must not move the page under a click
    recount();
    if (membersSet.getAttribute("aria-invalid")) {  // what a refused save said no longer holds
      fields.clear();
      summary.replaceChildren();
    }
  }},
    h("legend", {}, "Accounts"),
    h("p", {class: "hint"}, `Up to ${MAX_ACCOUNTS.toLocaleString()}. A switched-off account may be in a group: it is ` +
      "left out while it is off."),
    gone.length ? h("p", {class: "notice"}, `${plural(gone.length, "account")} of this group ` +
      `${gone.length === 1 ? "was" : "were"} deleted (${gone.join(", ")}): saving takes ${gone.length === 1 ? "it" : "them"} out.`) : null,
    h("div", {class: "member-tools"},
      h("div", {class: "field"}, h("label", {for: filterId}, "Find accounts"),
        h("p", {class: "hint", id: `${filterId}-hint`}, "By name or id, e.g. county or sms:"), filter),
      h("div", {class: "actions"},
        h("button", {type: "button", onclick: () => tickShown(true)}, "Tick all shown"),
        h("button", {type: "button", onclick: () => tickShown(false)}, "Untick all shown")),
      matches),
    count,
    h("div", {class: "channel-picker"}, platformSets),
    membersNote);
  fields.items.channels = {control: membersSet, note: membersNote, label: "Accounts", kind: "members"};
  recount();

  const save = h("button", {type: "submit", class: "primary"}, group ? "Save changes" : "Create group");
  const form = h("form", {class: "channel-form group-form", novalidate: true, onsubmit: (event) => {
    event.preventDefault();
    busy(save, submit);
  }},
  h("fieldset", {}, h("legend", {}, "The group"),
    fields.add("label", "Name people see", label, {required: true,
      hint: "As it appears in the composer, e.g. County health departments."}),
    group ? null : fields.add("name", "Short name", name, {required: true,
      hint: "Lower-case letters, digits and hyphens; made from the name as you type. It cannot change later."}),
    fields.add("description", "Description (optional)", description, {hint: "Who is in it, and when to choose it."})),
  membersSet,
  h("div", {class: "actions sticky"}, save, h("a", {href: "#/groups", class: "button"}, "Cancel")));

  async function submit() {
    const groupName = group ? group.name : name.value.trim();
    if (!NAME.test(groupName)) {
      fields.showErrors(new ApiError(422, "validation_failed", "The group needs a short name.",
        [{field: "name", problem: "Lower-case letters, digits and hyphens, starting with a letter or digit"}]), summary);
      return;
    }
    const body = {revision: group ? group.revision : 0, label: label.value.trim(),
                  description: description.value.trim(), channels: boxes.filter((b) => b.checked).map((b) => b.value)};
    try {
      const saved = await put(`/channel-groups/${enc(groupName)}`, body);
      flash = `${group ? "Saved" : "Created"} ${saved.label} (${plural(saved.channels.length, "account")}).` +
        (group ? " Drafts saved before keep the accounts they had; they follow the change when saved again." : "");
      announce(flash);
      go("#/groups");
    } catch (error) {
      const details = error instanceof ApiError ? error.details : null;
      const stale = error.status === 409 && details && !Array.isArray(details) && "revision" in details;
      if (stale && !group) {
        fields.showErrors(new ApiError(409, "conflict", "There is already a group with this short name.",
          [{field: "name", problem: "Taken: choose another short name"}]), summary);
      } else if (stale) {
        fields.clear();
        const again = h("button", {type: "button", class: "primary", onclick: () => go(`#/groups/${enc(group.name)}`)},
          "Load the latest version");
        show(summary, h("div", {class: "notice error", role: "alert"},
          h("p", {}, "Someone else changed or deleted this group since you opened it, so your changes were not saved."),
          h("p", {}, "Load the latest version (your changes here are lost), then make them again."), again));
        focus(summary);
      } else if (error instanceof ApiError && [400, 422].includes(error.status)) {
        fields.showErrors(error, summary);
      } else {
        show(summary, problem(error));
        focus(summary);
      }
    }
  }

  // -- delete
  let deleteCard = null;
  if (group) {
    deleteCard = h("section", {class: "card", "aria-labelledby": "delete-title"});
    const notice = h("div", {class: "delete-notice", tabindex: "-1"});
    const remove = h("button", {type: "button", class: "danger"}, "Delete this group…");
    remove.addEventListener("click", async () => {
      const sure = await confirmDialog(deleteCard, `Delete ${group.label}?`,
        "Its accounts stay as they are, and so do drafts and templates that chose it: they keep the accounts it " +
        "stood for when they were saved.", `Delete ${group.label}`);
      if (!sure) {
        focus(remove);
        return;
      }
      await busy(remove, async () => {
        try {
          await call("DELETE", `/channel-groups/${enc(group.name)}?revision=${group.revision}`);
          flash = `Deleted ${group.label}.`;
          announce(flash);
          go("#/groups");
        } catch (error) {
          show(notice, problem(error));
          focus(notice);
        }
      });
    });
    show(deleteCard, h("h2", {id: "delete-title"}, "Delete"),
      h("p", {class: "hint"}, "Nobody can choose it any more; nothing already saved changes."),
      notice, h("div", {class: "actions"}, remove));
  }

  show(root, h("div", {class: "admin-page"},
    h("p", {}, h("a", {href: "#/groups"}, "← Channel groups")),
    h("h1", {}, group ? group.label : "Add a channel group"),
    group ? h("p", {class: "meta"}, `group:${group.name} · revision ${group.revision} · changed ${when(group.updated_at)} ` +
      `by ${group.updated_by}`) : null,
    summary, form, deleteCard));
  return undefined;
}
