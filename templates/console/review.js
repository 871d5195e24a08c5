// The approver's queue and review: what is waiting (oldest wait first), then one advisory as
// every channel will show it, what changed since the advisory it updates, and Approve (bound
// to the exact content reviewed) or Reject with a reason the author will see.
import {get, post, query} from "./api.js";
import {announce, go, me, problem} from "./app.js";
import {h, show, busy, focus, ago, shortId, when} from "./dom.js";
import {LABELS, channelRows} from "./preview.js";
import {stateBadge} from "./lists.js";
import {chosenGroups} from "./picker.js";

const SHOWN = ["headline", "description", "instruction", "required_text", "event", "area_desc", "urgency",
               "severity", "certainty", "category", "response_type", "status", "effective", "expires", "web",
               "contact", "hashtags", "channels", "language"];

export async function render(root, {args}) {
  // Templates waiting for approval are reviewed by template-review.js (their ids start "tpl_").
  if (args[0] && args[0].startsWith("tpl_")) return (await import("./template-review.js")).review(root, args[0]);
  return args[0] ? review(root, args[0]) : queue(root);
}

async function queue(root) {
  const list = h("ul", {class: "advisory-list"});
  const status = h("p", {class: "meta", role: "status"});
  const more = h("button", {type: "button", hidden: true}, "Show more");
  let cursor = null;
  const waiting = [];

  async function page() {
    const result = await get("/advisories" + query({view: "awaiting_approval", limit: 50, cursor}));
    waiting.push(...result.advisories);
    cursor = result.next_cursor || null;
    more.hidden = !cursor;
    // The longest wait first: that is the one someone is chasing.
    waiting.sort((a, b) => (a.submitted_at || a.updated_at).localeCompare(b.submitted_at || b.updated_at));
    show(list, waiting.map(item));
    status.textContent = waiting.length
      ? `${waiting.length} waiting for approval` : "No advisory is waiting for approval.";
  }
  more.addEventListener("click", () => busy(more, () => page().catch((e) => list.after(problem(e)))));
  show(root, h("h1", {}, "Approvals"), status, list, more);
  await page();
  root.append(await (await import("./template-review.js")).awaiting());  // templates awaiting approval
  return undefined;
}

function item(advisory) {
  const c = advisory.content;
  const mine = advisory.author === me().id;
  return h("li", {class: "advisory-item"},
    h("div", {class: "advisory-head"},
      h("a", {href: `#/approvals/${advisory.id}`, class: "advisory-title"}, c.headline),
      advisory.msg_type !== "Alert" ? h("span", {class: "badge"}, advisory.msg_type) : null,
      c.status !== "Actual" ? h("span", {class: "badge test"}, c.status) : null,
      mine ? h("span", {class: "badge warn"}, "You wrote this") : null),
    h("p", {class: "meta"}, `${shortId(advisory.id)} · by ${advisory.author} · submitted ` +
      `${when(advisory.submitted_at)} · waiting ${ago(advisory.submitted_at)} · ` +
      `${c.channels.length} channel${c.channels.length === 1 ? "" : "s"}`));
}

function shown(value) {
  if (value === null || value === undefined || value === "") return "—";
  if (Array.isArray(value)) return value.length ? value.join(", ") : "—";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** The fields an Update changes, as "was → now" (the approver checks only what moved). */
function changes(before, after) {
  const names = [...new Set([...SHOWN, ...Object.keys(after)])].filter((n) => n !== "translations");
  const rows = names.filter((n) => shown(before[n]) !== shown(after[n]));
  for (const language of new Set([...Object.keys(before.translations || {}), ...Object.keys(after.translations || {})])) {
    const was = (before.translations || {})[language];
    const now = (after.translations || {})[language];
    if (JSON.stringify(was) !== JSON.stringify(now)) rows.push(`translations.${language}`);
  }
  const value = (content, name) => name.startsWith("translations.")
    ? shown(Object.values((content.translations || {})[name.split(".")[1]] || {}).join(" · ")) : shown(content[name]);
  if (!rows.length) return h("p", {}, "No field changed from the advisory it updates.");
  return h("div", {class: "table-wrap"}, h("table", {class: "diff"},
    h("caption", {}, "What changed"),
    h("thead", {}, h("tr", {}, h("th", {scope: "col"}, "Field"), h("th", {scope: "col"}, "Was"), h("th", {scope: "col"}, "Now"))),
    h("tbody", {}, rows.map((name) => h("tr", {},
      h("th", {scope: "row"}, LABELS[name] || name),
      h("td", {}, h("del", {}, value(before, name))),
      h("td", {}, h("ins", {}, value(after, name))))))));
}

async function review(root, id) {
  const [advisory, preview, {channels}] = await Promise.all(
    [get(`/advisories/${id}`), get(`/advisories/${id}/preview`), get("/channels")]);
  const accounts = Object.fromEntries(channels.map((c) => [c.id, c]));
  const c = advisory.content;
  const original = advisory.references.length ? await get(`/advisories/${advisory.references[0]}`).catch(() => null) : null;
  const notice = h("div", {});
  const mine = advisory.author === me().id;
  const pending = advisory.state === "pending_approval";

  // Channels by the names people know them by (the id where an account is gone).
  const named = {...c, channels: c.channels.map((id) => (accounts[id] ? accounts[id].name : id))};
  const groups = chosenGroups(advisory.channel_groups);  // how the author chose them, when by group
  const fields = h("dl", {class: "summary"}, SHOWN.filter((n) => shown(named[n]) !== "—").map((n) =>
    [h("dt", {}, LABELS[n] || n), h("dd", {}, shown(named[n])),
     n === "channels" && groups.length ? [h("dt", {}, "Channels chosen by group"), h("dd", {}, groups.join(", "))] : null]));
  const warnings = preview.findings.filter((f) => !f.blocking);
  const blocking = preview.findings.filter((f) => f.blocking);

  const actions = h("div", {class: "actions sticky"});
  if (pending && !mine) actions.append(...decide(advisory, preview, notice));
  show(root,
    h("p", {}, h("a", {href: "#/approvals"}, "← Approvals")),
    h("h1", {}, c.headline),
    h("p", {class: "meta"}, stateBadge(advisory.state), ` ${shortId(advisory.id)} · ${advisory.msg_type} · by ` +
      `${advisory.author} · submitted ${when(advisory.submitted_at)} (${ago(advisory.submitted_at)} ago)`),
    mine && pending ? h("div", {class: "notice"}, "You wrote this advisory, so another approver must approve it.") : null,
    !pending ? h("div", {class: "notice"}, `This advisory is ${advisory.state.replace(/_/g, " ")}: there is nothing to decide. `,
      h("a", {href: `#/advisories/${advisory.id}`}, "Watch its deliveries")) : null,
    notice,
    blocking.length ? h("div", {class: "notice error"}, h("h2", {}, "Screening blocks this advisory"),
      h("ul", {}, blocking.map((f) => h("li", {}, f.message)))) : null,
    warnings.length ? h("div", {class: "notice"}, h("h2", {}, "Check before approving"),
      h("ul", {}, warnings.map((f) => h("li", {}, f.message)))) : null,
    original ? h("section", {}, h("h2", {}, `${advisory.msg_type} of “${original.content.headline}”`),
      changes(original.content, c)) : null,
    h("section", {}, h("h2", {}, "The advisory"), fields),
    h("section", {}, h("h2", {}, `As each channel will show it (${preview.channels.length})`),
      channelRows(preview, accounts)),
    actions);
  return undefined;
}

/** Approve (confirmed in a dialog, bound to the content hash reviewed) and Reject (with a reason). */
function decide(advisory, preview, notice) {
  const hash = preview.content_hash;
  const count = advisory.content.channels.length;
  const confirmButton = h("button", {type: "button", class: "primary"}, `Approve and send to ${count} channel${count === 1 ? "" : "s"}`);
  const dialog = h("dialog", {class: "confirm", "aria-labelledby": "approve-title"},
    h("h2", {id: "approve-title"}, "Send this advisory now?"),
    h("p", {}, `“${advisory.content.headline}” goes out at once to ${count} channel${count === 1 ? "" : "s"}. ` +
      "It cannot be unsent; a correction goes out as an Update."),
    h("p", {class: "meta"}, `Content reviewed: ${hash.slice(0, 12)}`),
    h("div", {class: "actions"}, confirmButton, h("button", {type: "button", onclick: () => dialog.close()}, "Go back")));
  confirmButton.addEventListener("click", () => busy(confirmButton, async () => {
    try {
      await post(`/advisories/${advisory.id}/approve`, {content_hash: hash});
      dialog.close();
      announce("Approved: sending now");
      go(`#/advisories/${advisory.id}`);
    } catch (error) {
      dialog.close();
      show(notice, problem(error));
      focus(notice);
    }
  }));
  const approve = h("button", {type: "button", class: "primary", onclick: () => dialog.showModal()}, "Approve…");
  if (preview.blocking) approve.disabled = true;

  const reasonId = "reject-reason";
  const reason = h("textarea", {id: reasonId, rows: 3, maxlength: 2000, required: true, "aria-describedby": "reject-hint"});
  const rejectButton = h("button", {type: "submit"}, "Reject");
  const form = h("form", {class: "reject", novalidate: true, onsubmit: (event) => {
    event.preventDefault();
    busy(rejectButton, async () => {
      if (reason.value.trim().length < 3) {
        show(notice, h("div", {class: "notice error", role: "alert"}, "Say what the author should change (a few words at least)."));
        focus(reason);
        return;
      }
      try {
        await post(`/advisories/${advisory.id}/reject`, {reason: reason.value.trim()});
        announce("Rejected: returned to the author");
        go("#/approvals");
      } catch (error) {
        show(notice, problem(error));
        focus(notice);
      }
    });
  }},
  h("label", {for: reasonId}, "Reason for rejecting"),
  h("p", {id: "reject-hint", class: "hint"}, "The author sees this and revises the advisory."),
  reason, rejectButton);
  return [approve, dialog, h("details", {class: "reject-box"}, h("summary", {}, "Reject…"), form)];
}
