// The audit trail (auditors, admins): every action a person or the machine took, oldest first, in
// the hash chain's order; filtered by advisory, actor, action and time; the filter as CSV; and a
// check of the whole chain ("Verify"), which names the first entry that does not fit and why.
import {get, query, fetchFile, saveFile} from "./api.js";
import {announce} from "./app.js";
import {h, show, busy, focus} from "./dom.js";
import {moment, hashParams, keepInAddress, field, filterProblem, apiMoment, today, ZONE} from "./deliveries.js";

const PAGE = 100;
const CSV_PAGE = 5000;
const CSV_PARTS = 40;  // 200,000 entries in one file at most; a longer filter is cut and says so
// The actions the trail records, offered as the action filter's suggestions.
const ACTIONS = ["create", "edit", "submit", "approve", "reject", "withdraw", "broadcast", "broadcast_published",
                 "deliver", "delivery", "retry",
                 "update", "cancel", "trigger", "pause_request", "pause_confirm", "resume", "settings_change",
                 "template_create", "template_edit", "template_approve", "template_retire", "user_role_add",
                 "user_role_remove", "user_disable", "user_enable", "seed"];

export function actorKind(actor) {
  return String(actor).startsWith("system:") ? "machine" : "human";
}

/** Who acted, with a word (not only a colour) saying whether it was a person or the machine. */
export function actorLabel(actor, kind = actorKind(actor)) {
  return [h("span", {class: `actor-kind ${kind}`}, kind === "machine" ? "⚙ machine" : "● person"), " ", actor];
}

export async function render(root, {path}) {
  const given = hashParams();
  const limit = Math.min(1000, Math.max(1, Number(given.get("limit")) || PAGE));
  const listId = "audit-actions";
  const inputs = {
    advisory_id: h("input", {type: "text", name: "advisory_id", autocomplete: "off", spellcheck: "false",
                             placeholder: "adv_…"}),
    actor: h("input", {type: "text", name: "actor", autocomplete: "off", spellcheck: "false"}),
    action: h("input", {type: "text", name: "action", autocomplete: "off", spellcheck: "false", list: listId}),
    since: h("input", {type: "datetime-local", name: "since"}),
    until: h("input", {type: "datetime-local", name: "until"}),
  };
  for (const [key, input] of Object.entries(inputs)) input.value = given.get(key) || "";
  const labels = {advisory_id: "Advisory id", actor: "Actor", action: "Action", since: "Since", until: "Until",
                  cursor: "Later entries", limit: "Page size"};

  const notice = h("div", {});
  const heading = h("h2", {id: "entries-title"}, "Entries");
  const status = h("p", {class: "meta", role: "status"});
  const rows = h("tbody", {});
  const table = h("div", {class: "table-wrap"}, h("table", {class: "audit stack"},
    h("caption", {class: "visually-hidden"}, "Audit entries, oldest first"),
    h("thead", {}, h("tr", {}, ["Entry", "Time", "Actor", "Action", "Advisory", "Summary"]
      .map((t) => h("th", {scope: "col"}, t)))),
    rows));
  const later = h("button", {type: "button", hidden: true}, "Later entries");
  const csvButton = h("button", {type: "button"}, "Download CSV of this filter");
  const csvNotice = h("div", {});
  const verifyButton = h("button", {type: "button", class: "primary"}, "Verify the whole trail");
  const recentButton = h("button", {type: "button", class: "secondary"}, "Check what changed since the last digest");
  const verifyResult = h("div", {});
  const submit = h("button", {type: "submit", class: "primary"}, "Show entries");
  const clear = h("button", {type: "button"}, "Clear filters");

  let filter = {};
  let cursor = null;

  const read = () => Object.fromEntries(Object.entries(inputs).map(([k, input]) => [k, input.value.trim()]));
  const apiFilter = (v) => ({advisory_id: v.advisory_id, actor: v.actor, action: v.action,
                             since: apiMoment(v.since), until: apiMoment(v.until)});

  async function page(first) {
    const answer = await get("/audit" + query({...apiFilter(filter), limit, cursor: first ? null : cursor}));
    if (first) rows.replaceChildren();
    for (const entry of answer.entries) rows.append(row(entry));
    cursor = answer.next_cursor || null;
    later.hidden = !cursor;
    const shown = rows.children.length;
    table.hidden = shown === 0;
    if (shown && cursor) status.textContent = `${shown} shown, oldest first. There may be later ones: choose “Later entries”.`;
    else if (shown) status.textContent = `${shown} shown: every entry that matches.`;
    else if (cursor) status.textContent = "Nothing found yet in the part of the trail read so far. " +
      "Keep looking: choose “Later entries” to read further.";
    else status.textContent = "No entry matches this filter.";
    return answer.entries.length;
  }

  async function search() {
    filter = read();
    keepInAddress(path, {...filter, limit: limit === PAGE ? null : limit});
    show(notice);
    show(csvNotice);
    try {
      await page(true);
      for (const input of Object.values(inputs)) input.removeAttribute("aria-invalid");
      return true;
    } catch (error) {
      rows.replaceChildren();
      table.hidden = true;
      later.hidden = true;
      status.textContent = "";
      show(notice, filterProblem(error, labels, inputs));
      focus(notice.firstChild);
      return false;
    }
  }

  const form = h("form", {class: "filter-form", "aria-labelledby": "audit-filter-title", onsubmit: (event) => {
    event.preventDefault();
    busy(submit, async () => {
      if (await search()) focus(heading);
    });
  }},
    h("h2", {id: "audit-filter-title", class: "visually-hidden"}, "Filter"),
    h("div", {class: "row3"},
      field("Advisory id", inputs.advisory_id),
      field("Actor", inputs.actor, "A person's user id (e.g. demo-approver) or system:worker."),
      field("Action", inputs.action, "e.g. approve, delivery, pause_request.")),
    h("datalist", {id: listId}, ACTIONS.map((a) => h("option", {value: a}))),
    h("div", {class: "row2"},
      field("Since", inputs.since, `Your time zone: ${ZONE}.`),
      field("Until", inputs.until)),
    h("div", {class: "actions"}, submit, clear));

  clear.addEventListener("click", () => busy(clear, async () => {
    for (const input of Object.values(inputs)) input.value = "";
    await search();
    focus(heading);
  }));

  later.addEventListener("click", () => busy(later, async () => {
    const before = rows.children.length;
    try {
      await page(false);
      const first = rows.children[before];
      focus(first ? first.querySelector("th") : status);
    } catch (error) {
      show(notice, filterProblem(error, labels, inputs));
      focus(notice.firstChild);
    }
  }));

  // CSV pages after the first leave out the header, so the pages of one filter join into one file.
  csvButton.addEventListener("click", () => busy(csvButton, async () => {
    show(csvNotice, h("p", {class: "meta", role: "status"}, "Preparing the CSV…"));
    try {
      const parts = [];
      let next = null;
      let count = 0;
      do {
        const {blob, headers} = await fetchFile("/audit" + query({...apiFilter(filter), limit: CSV_PAGE, cursor: next,
                                                                    format: "csv"}), "text/csv");
        parts.push(blob);
        next = headers.get("X-Next-Cursor");
        count += 1;
      } while (next && count < CSV_PARTS);
      saveFile(new Blob(parts, {type: "text/csv"}), `clarion-audit-${today()}.csv`);
      show(csvNotice, next
        ? h("div", {class: "notice warn", role: "alert"}, h("p", {}, h("strong", {}, "The CSV is cut short "),
            `after ${CSV_PARTS * CSV_PAGE} entries. Narrow the filter (Since and Until) and download the rest.`))
        : h("div", {class: "notice ok", role: "status"}, "Downloaded: every entry that matches."));
    } catch (error) {
      show(csvNotice, filterProblem(error, labels, inputs));
    }
    focus(csvNotice.firstChild);
  }));

  const check = (button, path, waiting) => busy(button, async () => {
    show(verifyResult, h("p", {class: "meta", role: "status"}, waiting));
    try {
      const result = await get(path);
      show(verifyResult, verification(result, path.includes("scope=recent") && result.scope !== "recent"));
      announce(verifyResult.querySelector("p").textContent);
    } catch (error) {
      show(verifyResult, filterProblem(error, {}, {}));
    }
    focus(verifyResult.firstChild);
  });
  verifyButton.addEventListener("click", () => check(verifyButton, "/audit/verify", "Checking every entry…"));
  recentButton.addEventListener("click", () => check(recentButton, "/audit/verify?scope=recent",
                                                     "Checking what changed since the last signed digest…"));

  show(root,
    h("h1", {}, "Audit trail"),
    h("p", {class: "lead"}, "Every action, by a person or by the machine, in the order it was recorded. " +
      "Each entry is chained to the one before it by a hash, so a change, removal or reordering shows."),
    h("section", {class: "card", "aria-labelledby": "verify-title"},
      h("h2", {id: "verify-title"}, "Is the trail intact?"),
      h("p", {}, "Verify reads the whole trail and checks each entry's hash against the one before it. " +
        "The quick check reads only what changed since the last signed digest (every 15 minutes)."),
      h("div", {class: "actions"}, verifyButton, recentButton), verifyResult),
    h("section", {class: "card"}, form),
    notice,
    h("section", {"aria-labelledby": "entries-title"},
      heading, status,
      h("div", {class: "actions"}, csvButton), csvNotice,
      table, h("div", {class: "actions"}, later)));
  await search();
  return undefined;
}

function advisoryLink(id) {
  return id ? h("a", {href: `#/report/${encodeURIComponent(id)}`, class: "id-link"}, id,
                h("span", {class: "visually-hidden"}, ": after-action report")) : "";
}

function row(entry) {
  return h("tr", {class: `actor-${actorKind(entry.actor)}`},
    h("th", {scope: "row", "data-label": "Entry"}, `#${entry.seq}`),
    h("td", {"data-label": "Time"}, moment(entry.at)),
    h("td", {"data-label": "Actor"}, actorLabel(entry.actor)),
    h("td", {"data-label": "Action"}, h("code", {}, entry.action)),
    h("td", {"data-label": "Advisory"}, advisoryLink(entry.advisory_id)),
    h("td", {"data-label": "Summary", class: "summary-text"}, entry.summary));
}

/** The chain's verification as a notice: intact and how far, or the first broken entry and why. */
function verification(result, noDigestYet = false) {
  if (result.intact && noDigestYet) {
    return h("div", {class: "notice ok"},
      h("p", {}, h("strong", {}, `Intact: ${result.entries} entries. `),
        `No digest has been signed yet, so the whole trail was checked: every entry from #1 to #${result.head_seq} ` +
        "is in place and unchanged."));
  }
  if (result.intact && result.scope === "recent") {
    return h("div", {class: "notice ok"},
      h("p", {}, h("strong", {}, `Intact: ${result.entries} entries. `),
        `Everything written on ${result.chains} chains since the signed digest of ${moment(result.digested_at)} ` +
        "is in place and unchanged; the whole trail needs the full verify."));
  }
  if (result.intact) {
    return h("div", {class: "notice ok"},
      h("p", {}, h("strong", {}, `Intact: ${result.entries} entries. `),
        `Every entry from #1 to #${result.head_seq} is in place and unchanged.`));
  }
  const entry = result.broken_entry;
  const fields = entry ? [
    ["Entry", `#${entry.seq}`], ["Time", moment(entry.at)], ["Actor", entry.actor], ["Action", entry.action],
    ["Advisory", advisoryLink(entry.advisory_id)], ["Summary", entry.summary],
    ["Previous hash", h("code", {}, entry.prev_hash)], ["Hash", h("code", {}, entry.hash)],
  ] : [];
  return h("div", {class: "notice error", role: "alert"},
    h("p", {}, h("strong", {}, `Broken at entry #${result.first_broken_seq}: `), result.problem || "it does not fit the chain"),
    h("p", {}, result.verified_through_seq
      ? `Entries #1 to #${result.verified_through_seq} are intact; the trail's head is #${result.head_seq}.`
      : `No entry before it could be checked; the trail's head is #${result.head_seq}.`),
    entry
      ? [h("h3", {}, "The entry as it is stored"),
         h("dl", {class: "summary"}, fields.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]))]
      : h("p", {}, "There is no entry to show: entries were deleted from the end of the trail."));
}
