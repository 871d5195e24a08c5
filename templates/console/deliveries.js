// The delivery log (auditors, admins): every delivery across advisories, newest first, filtered by
// time, channel account, platform, state and advisory; paged with "Older"; the whole filter as CSV.
// The filter lives in the address (#/deliveries?platform=sms&state=failed), so a reload or a shared
// link shows the same deliveries.
import {get, query, download} from "./api.js";
import {h, show, busy, focus, newId, shortId, withOffset} from "./dom.js";

const STATES = ["pending", "sending", "sent", "failed", "unknown", "reconciling", "skipped"];
const PAGE = 50;

// -- shared by the auditor's screens (audit.js, report.js) ---------------------------------------
const STAMP = new Intl.DateTimeFormat(undefined, {dateStyle: "medium", timeStyle: "medium"});
export const ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || "your device's time zone";

/** A moment to the second, in this device's time zone, with the exact value in `datetime`. */
export function moment(iso) {
  return iso ? h("time", {datetime: iso}, STAMP.format(new Date(iso))) : "";
}

/** A duration as people read it (as the API's reports word it): 850 ms, 12.3 s, 4 min 05 s, 2 h 03 min. */
export function duration(ms) {
  if (ms === null || ms === undefined) return "";
  if (ms < 0) return "-" + duration(-ms);
  if (ms < 1000) return `${ms} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.floor(seconds);
  const two = (n) => String(n).padStart(2, "0");
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${two(whole % 60)} s`;
  if (whole < 86400) return `${Math.floor(whole / 3600)} h ${two(Math.floor((whole % 3600) / 60))} min`;
  return `${Math.floor(whole / 86400)} d ${two(Math.floor((whole % 86400) / 3600))} h`;
}

export const words = (text) => String(text || "").replace(/_/g, " ");

export function deliveryBadge(state) {
  return h("span", {class: `badge delivery ${state}`}, words(state));
}

/** The filter as the address keeps it (#/screen?key=value), and back. */
export function hashParams() {
  return new URLSearchParams(location.hash.split("?")[1] || "");
}

export function keepInAddress(path, params) {
  const text = query(params);
  // replaceState: no hashchange, so the screen is not drawn again (and focus stays on the results).
  history.replaceState(null, "", `#/${path}${text}`);
}

/** A labelled form field; `control` gets the id. */
export function field(label, control, hint) {
  const id = control.id || newId("f");
  control.id = id;
  const hintId = hint ? `${id}-hint` : null;
  if (hintId) control.setAttribute("aria-describedby", hintId);
  return h("div", {class: "field"}, h("label", {for: id}, label), control,
           hint ? h("p", {class: "hint", id: hintId}, hint) : null);
}

/** A refused filter as a person reads it: the sentence, then each field by its label. */
export function filterProblem(error, labels, inputs) {
  const details = Array.isArray(error.details) ? error.details : [];
  for (const input of Object.values(inputs)) input.removeAttribute("aria-invalid");
  for (const detail of details) {
    const input = inputs[detail.field];
    if (input) input.setAttribute("aria-invalid", "true");
  }
  return h("div", {class: "notice error", role: "alert"},
    h("p", {}, error.message || String(error)),
    details.length ? h("ul", {}, details.map((d) => h("li", {},
      `${labels[d.field] || d.field || ""}${d.field ? ": " : ""}${d.problem || d.message || d.code || ""}`))) : null);
}

/** "2026-12-04T09:30" → the API's moment with this device's offset; "" stays "". */
export function apiMoment(local) {
  return local ? withOffset(local) : "";
}

export function today() {
  return new Date().toISOString().slice(0, 10);
}

// -- the screen ----------------------------------------------------------------------------------
export async function render(root, {path}) {
  const {channels} = await get("/channels");
  const names = Object.fromEntries(channels.map((c) => [c.id, c.name]));
  const platforms = [...new Set(channels.map((c) => c.platform))].sort();
  const given = hashParams();
  const limit = Math.min(200, Math.max(1, Number(given.get("limit")) || PAGE));

  const inputs = {
    from: h("input", {type: "datetime-local", name: "from", value: given.get("from") || ""}),
    to: h("input", {type: "datetime-local", name: "to", value: given.get("to") || ""}),
    channel: h("select", {name: "channel"}, h("option", {value: ""}, "Any channel"),
      [...channels].sort((a, b) => a.name.localeCompare(b.name)).map((c) =>
        h("option", {value: c.id}, `${c.name} (${c.id})`))),
    platform: h("select", {name: "platform"}, h("option", {value: ""}, "Any platform"),
      platforms.map((p) => h("option", {value: p}, words(p)))),
    state: h("select", {name: "state"}, h("option", {value: ""}, "Any state"),
      STATES.map((s) => h("option", {value: s}, words(s)))),
    advisory: h("input", {type: "text", name: "advisory", value: given.get("advisory") || "", autocomplete: "off",
                          spellcheck: "false", placeholder: "adv_…"}),
  };
  for (const key of ["channel", "platform", "state"]) inputs[key].value = given.get(key) || "";
  const labels = {from: "From", to: "To", channel: "Channel account", platform: "Platform", state: "State",
                  advisory: "Advisory id", after: "Older", limit: "Page size"};

  const notice = h("div", {});
  const heading = h("h2", {id: "results-title"}, "Deliveries");
  const status = h("p", {class: "meta", role: "status"});
  const rows = h("tbody", {});
  const table = h("div", {class: "table-wrap"}, h("table", {class: "deliveries log stack"},
    h("caption", {class: "visually-hidden"}, "Deliveries, newest first"),
    h("thead", {}, h("tr", {}, ["Time", "Advisory", "Channel", "State", "Attempts", "Post", "Latency", "Last error"]
      .map((t) => h("th", {scope: "col"}, t)))),
    rows));
  const older = h("button", {type: "button", hidden: true}, "Older");
  const csvButton = h("button", {type: "button"}, "Download CSV of this filter");
  const csvNotice = h("div", {});
  const submit = h("button", {type: "submit", class: "primary"}, "Show deliveries");
  const clear = h("button", {type: "button"}, "Clear filters");

  let filter = {};
  let cursor = null;
  let examined = 0;

  function read() {
    return Object.fromEntries(Object.entries(inputs).map(([k, input]) => [k, input.value.trim()]));
  }

  function apiFilter(values) {
    return {from: apiMoment(values.from), to: apiMoment(values.to), channel: values.channel,
            platform: values.platform, state: values.state, advisory: values.advisory};
  }

  async function page(first) {
    const answer = await get("/deliveries" + query({...apiFilter(filter), limit, after: first ? null : cursor}));
    if (first) {
      rows.replaceChildren();
      examined = 0;
    }
    for (const d of answer.deliveries) rows.append(row(d, names));
    cursor = answer.next_cursor || null;
    examined += answer.examined_advisories || 0;
    older.hidden = !cursor;
    const shown = rows.children.length;
    table.hidden = shown === 0;
    let text;
    if (shown && cursor) text = `${shown} shown, newest first. There may be older ones: choose “Older”.`;
    else if (shown) text = `${shown} shown: every delivery that matches.`;
    else if (cursor) {
      text = `Nothing found yet in the ${examined} advisories looked at` +
        (answer.reached ? ` (created back to ${STAMP.format(new Date(answer.reached))})` : "") +
        ". Keep looking: choose “Older” to search further back.";
    } else text = "No delivery matches this filter.";
    status.textContent = text;
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
      older.hidden = true;
      status.textContent = "";
      show(notice, filterProblem(error, labels, inputs));
      focus(notice.firstChild);
      return false;
    }
  }

  const form = h("form", {class: "filter-form", "aria-labelledby": "filter-title", onsubmit: (event) => {
    event.preventDefault();
    busy(submit, async () => {
      if (await search()) focus(heading);
    });
  }},
    h("h2", {id: "filter-title", class: "visually-hidden"}, "Filter"),
    h("div", {class: "row3"},
      field("From", inputs.from, "Deliveries that ended (or were queued) at or after."),
      field("To", inputs.to, "…and at or before. Your time zone: " + ZONE + "."),
      field("Channel account", inputs.channel)),
    h("div", {class: "row3"},
      field("Platform", inputs.platform),
      field("State", inputs.state),
      field("Advisory id", inputs.advisory, "One advisory only, e.g. from its report.")),
    h("div", {class: "actions"}, submit, clear));

  clear.addEventListener("click", () => busy(clear, async () => {
    for (const input of Object.values(inputs)) input.value = "";
    await search();
    focus(heading);
  }));

  older.addEventListener("click", () => busy(older, async () => {
    const before = rows.children.length;
    try {
      await page(false);
      // Focus the first new row, or the status when the page was empty.
      const first = rows.children[before];
      focus(first ? first.querySelector("a, th") || first : status);
    } catch (error) {
      show(notice, filterProblem(error, labels, inputs));
      focus(notice.firstChild);
    }
  }));

  // The whole filter as one file; an export that hits the API's limits says so, and the next
  // part continues where it stopped.
  async function exportCsv(button, values, after, part) {
    show(csvNotice, h("p", {class: "meta", role: "status"}, "Preparing the CSV…"));
    try {
      const headers = await download("/deliveries" + query({...apiFilter(values), after, format: "csv"}),
                                     `clarion-deliveries-${today()}${part > 1 ? `-part-${part}` : ""}.csv`, "text/csv");
      const next = headers.get("X-Next-Cursor");
      if (headers.get("X-Truncated") === "true" && next) {
        const more = h("button", {type: "button"}, `Download part ${part + 1}`);
        more.addEventListener("click", () => busy(more, () => exportCsv(more, values, next, part + 1)));
        show(csvNotice, h("div", {class: "notice warn", role: "alert"},
          h("p", {}, h("strong", {}, `Part ${part} is cut short. `),
            "An export stops at 10,000 deliveries, 4 MB or 1,000 advisories read, and its last row says TRUNCATED. " +
            "Download the next part, or narrow the filter with From and To."),
          h("div", {class: "actions"}, more)));
      } else {
        show(csvNotice, h("div", {class: "notice ok", role: "status"},
          part > 1 ? `Downloaded part ${part}: the last of this filter.` : "Downloaded: every delivery that matches."));
      }
    } catch (error) {
      show(csvNotice, filterProblem(error, labels, inputs));
    }
    focus(csvNotice.firstChild);
  }
  csvButton.addEventListener("click", () => busy(csvButton, () => exportCsv(csvButton, filter, null, 1)));

  show(root,
    h("h1", {}, "Delivery log"),
    h("p", {class: "lead"}, "Every post Clarion made or tried, on every channel. Open an advisory for its after-action report."),
    h("section", {class: "card"}, form),
    notice,
    h("section", {"aria-labelledby": "results-title"},
      heading, status,
      h("p", {class: "meta"}, "Time: when the delivery ended (or was queued, while it has not). " +
        "Latency: from queued to ended. Times in " + ZONE + "."),
      h("div", {class: "actions"}, csvButton), csvNotice,
      table, h("div", {class: "actions"}, older)));
  await search();
  return undefined;
}

function row(d, names) {
  const name = names[d.channel_account];
  return h("tr", {class: `delivery-${d.state}`},
    h("td", {"data-label": "Time"}, moment(d.at)),
    h("th", {scope: "row"},
      h("a", {href: `#/report/${encodeURIComponent(d.advisory_id)}`}, d.headline),
      h("span", {class: "cell-meta"}, ` ${shortId(d.advisory_id)} · ${d.msg_type}` +
        (d.status !== "Actual" ? ` · ${d.status}` : ""))),
    h("td", {"data-label": "Channel"}, name || d.channel_account,
      name ? h("span", {class: "cell-meta"}, ` ${d.channel_account}`) : null),
    h("td", {"data-label": "State"}, deliveryBadge(d.state)),
    h("td", {"data-label": "Attempts"}, String(d.attempts) + (d.redrives ? ` (${d.redrives} sent again)` : "")),
    h("td", {"data-label": "Post"}, d.post_url
      ? h("a", {href: d.post_url, target: "_blank", rel: "noopener noreferrer"}, "Open post",
          h("span", {class: "visually-hidden"}, ` on ${name || d.channel_account}`)) : ""),
    h("td", {"data-label": "Latency"}, duration(d.latency_ms)),
    h("td", {class: "error-text", "data-label": "Last error"}, d.last_error || d.pin_error || ""));
}
