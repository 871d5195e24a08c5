// The live delivery monitor: n of N final, one row per channel (state, attempts, post link, pin,
// last error), polled with backoff (an unchanged answer is a 304) until every delivery is final.
import {get, post} from "./api.js";
import {announce, may, problem} from "./app.js";
import {h, show, busy, focus, shortId, when} from "./dom.js";
import {stateBadge} from "./lists.js";

const FINAL = ["sent", "failed", "skipped", "cancelled"];
const FIRST_WAIT = 500;   // deliveries land within a second or two: look often at first, then back off
const LONGEST_WAIT = 10000;

export async function render(root, {id, back}) {
  const [advisory, {channels}] = await Promise.all([get(`/advisories/${id}`), get("/channels")]);
  const names = Object.fromEntries(channels.map((c) => [c.id, c.name]));
  const bar = h("div", {class: "progress", role: "progressbar", "aria-label": "Deliveries final",
                        "aria-valuemin": "0", "aria-valuemax": "0", "aria-valuenow": "0"}, h("div", {class: "progress-fill"}));
  const count = h("p", {class: "progress-text", "aria-live": "polite"});
  const stateLine = h("p", {});
  const todo = h("div", {});
  const table = h("tbody", {});
  const retry = h("button", {type: "button", hidden: true}, "Retry failed deliveries");
  const notice = h("div", {});
  show(root,
    h("p", {}, h("a", {href: back}, "← Back"),
      may("auditor", "admin") ? [" · ", h("a", {href: `#/report/${id}`}, "After-action report")] : null),
    h("h1", {}, advisory.content.headline),
    stateLine, bar, count, notice, retry, todo,
    h("div", {class: "table-wrap"}, h("table", {class: "deliveries"},
      h("caption", {class: "visually-hidden"}, "Deliveries by channel"),
      h("thead", {}, h("tr", {}, ["Channel", "State", "Attempts", "Post", "Pin", "Last error"].map((t) => h("th", {scope: "col"}, t)))),
      table)));

  let etag = null;
  let wait = FIRST_WAIT;
  let timer = null;
  let stopped = false;
  let current = advisory;

  retry.addEventListener("click", () => busy(retry, async () => {
    try {
      const {redriven} = await post(`/advisories/${id}/retry`);
      announce(`${redriven.length} deliveries sent again`);
      wait = FIRST_WAIT;
      schedule(0);
    } catch (error) {
      show(notice, problem(error));
      focus(notice);
    }
  }));

  function draw(deliveries) {
    const final = deliveries.filter((d) => FINAL.includes(d.state)).length;
    bar.setAttribute("aria-valuemax", String(deliveries.length));
    bar.setAttribute("aria-valuenow", String(final));
    bar.setAttribute("aria-valuetext", `${final} of ${deliveries.length} deliveries final`);
    bar.firstChild.style.width = deliveries.length ? `${(100 * final) / deliveries.length}%` : "0%";
    count.textContent = deliveries.length ? `${final} of ${deliveries.length} final` : "No deliveries yet";
    show(stateLine, stateBadge(current.state), ` ${shortId(current.id)} · ${current.msg_type}` +
      (current.submitted_at ? ` · submitted ${when(current.submitted_at)}` : ""));
    show(table, deliveries.map((d) => h("tr", {class: `delivery-${d.state}`},
      h("th", {scope: "row"}, names[d.channel_account] || d.channel_account),
      h("td", {}, h("span", {class: `badge delivery ${d.state}`}, d.state.replace(/_/g, " "))),
      h("td", {"data-label": "Attempts"}, String(d.attempts)),
      h("td", {}, d.post_url ? h("a", {href: d.post_url, target: "_blank", rel: "noopener noreferrer"}, "Open post") : ""),
      h("td", {"data-label": "Pin"}, d.pin_state && d.pin_state !== "n/a" ? d.pin_state.replace(/_/g, " ") : ""),
      h("td", {class: "error-text", "data-label": "Last error"}, d.last_error || ""))));
    const byHand = deliveries.filter((d) => d.pin_by_hand);
    show(todo, byHand.length ? h("div", {class: "notice"}, h("h2", {}, "To do by hand"),
      h("ul", {}, byHand.map((d) => h("li", {}, `Pin this post on ${names[d.channel_account] || d.channel_account}: `,
        d.post_url ? h("a", {href: d.post_url, target: "_blank", rel: "noopener noreferrer"}, d.post_url) : "(no link yet)"))))
      : null);
    retry.hidden = !(may("oncall", "admin") && deliveries.some((d) => d.state === "failed"));
    return deliveries.length > 0 && final === deliveries.length;
  }

  async function poll() {
    try {
      const answer = await get(`/advisories/${id}/deliveries`, {etag});
      if (answer.notModified) {
        wait = Math.min(LONGEST_WAIT, wait * 1.5);
      } else {
        etag = answer.etag;
        if (answer.advisory_state !== current.state) current = await get(`/advisories/${id}`);
        wait = FIRST_WAIT;
        if (draw(answer.deliveries) && !["approved", "broadcasting"].includes(current.state)) {
          announce(`All deliveries final: ${current.state.replace(/_/g, " ")}`);
          return;  // nothing more will change: stop polling
        }
      }
    } catch (error) {
      show(notice, problem(error));
      wait = Math.min(LONGEST_WAIT, wait * 2);
    }
    schedule(wait);
  }

  function schedule(delay) {
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(poll, delay);
  }

  draw([]);
  await poll();
  return () => { stopped = true; clearTimeout(timer); };
}
