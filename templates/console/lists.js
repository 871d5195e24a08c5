// Advisories: a filtered, paged list with state badges, times and short ids; each opens its
// live delivery monitor. The author's own advisories carry what they can do next.
import {get, post, query} from "./api.js";
import {announce, go, may, me, problem} from "./app.js";
import {h, show, busy, focus, shortId, when} from "./dom.js";

const FILTERS = [["all", "All"], ["mine", "Mine"], ["awaiting_approval", "Awaiting approval"], ["live", "Live"],
                 ["drafts", "Drafts"]];
const SENT = ["broadcasting", "delivered", "partially_delivered", "failed"];

export function stateBadge(state) {
  return h("span", {class: `badge state-${state}`}, state.replace(/_/g, " "));
}

export async function render(root, {view, args, path}) {
  if (args[0]) {
    const monitor = await import("./monitor.js");
    return monitor.render(root, {id: args[0], back: `#/${path}`});
  }
  const chosen = new URLSearchParams(location.hash.split("?")[1] || "").get("view") || (view === "mine" ? "mine" : "all");
  const list = h("ul", {class: "advisory-list"});
  const more = h("button", {type: "button", hidden: true}, "Show older");
  const status = h("p", {class: "meta", role: "status"});
  let cursor = null;

  async function page() {
    const result = await get("/advisories" + query({view: chosen, limit: 25, cursor}));
    for (const advisory of result.advisories) list.append(row(advisory, path));
    cursor = result.next_cursor || null;
    more.hidden = !cursor;
    status.textContent = list.children.length ? `${list.children.length} shown` : "Nothing here yet.";
  }
  more.addEventListener("click", () => busy(more, () => page().catch((e) => list.after(problem(e)))));

  const filters = h("nav", {class: "filters", "aria-label": "Show"}, FILTERS.map(([key, label]) =>
    h("a", {href: `#/${path}?view=${key}`, "aria-current": key === chosen ? "true" : null}, label)));
  show(root, h("h1", {}, view === "mine" ? "My advisories" : "Broadcasts"), filters,
    may("spokesperson") ? h("p", {}, h("a", {href: "#/write", class: "button primary"}, "New advisory")) : null,
    status, list, more);
  await page();
  return undefined;
}

function row(advisory, path) {
  const c = advisory.content;
  const mine = advisory.author === me().id;
  const actions = [];
  if (mine && ["draft", "rejected"].includes(advisory.state)) actions.push(h("a", {href: `#/write/${advisory.id}`, class: "button"}, advisory.state === "rejected" ? "Revise" : "Continue"));
  if ((mine || may("admin")) && ["draft", "rejected", "pending_approval"].includes(advisory.state)) {
    const withdraw = h("button", {type: "button", onclick: () => busy(withdraw, async () => {
      if (!confirm(`Withdraw “${c.headline}”? It will never be sent.`)) return;
      try {
        await post(`/advisories/${advisory.id}/withdraw`);
        announce("Withdrawn");
        go(location.hash);
      } catch (error) { withdraw.after(problem(error)); }
    })}, "Withdraw");
    actions.push(withdraw);
  }
  if (may("spokesperson") && SENT.includes(advisory.state) && advisory.msg_type !== "Cancel") {
    actions.push(followUp(advisory, "update", "Update"), followUp(advisory, "cancel", "Cancel / all-clear"));
  }
  // Auditors and admins: the after-action report of anything that went past a draft (report.js).
  if (may("auditor", "admin") && advisory.state !== "draft") {
    actions.push(h("a", {href: `#/report/${advisory.id}`, class: "button"}, "After-action report",
                   h("span", {class: "visually-hidden"}, `: ${c.headline}`)));
  }
  return h("li", {class: "advisory-item"},
    h("div", {class: "advisory-head"},
      h("a", {href: `#/${path}/${advisory.id}`, class: "advisory-title"}, c.headline),
      stateBadge(advisory.state),
      c.status !== "Actual" ? h("span", {class: "badge test"}, c.status) : null,
      advisory.msg_type !== "Alert" ? h("span", {class: "badge"}, advisory.msg_type) : null),
    h("p", {class: "meta"}, `${shortId(advisory.id)} · by ${advisory.author} · ${when(advisory.updated_at)}` +
      (c.channels.length ? ` · ${c.channels.length} channel${c.channels.length === 1 ? "" : "s"}` : "")),
    advisory.state === "rejected" && advisory.rejection
      ? h("p", {class: "finding blocking"}, `Rejected by ${advisory.rejection.by}: ${advisory.rejection.reason}`) : null,
    actions.length ? h("div", {class: "actions"}, actions) : null);
}

function followUp(advisory, kind, label) {
  const button = h("button", {type: "button", onclick: () => busy(button, async () => {
    try {
      const draft = await post(`/advisories/${advisory.id}/${kind}`);
      go(`#/write/${draft.id}`);
    } catch (error) {
      button.after(problem(error));
      focus(button.nextSibling);
    }
  })}, label);
  return button;
}
