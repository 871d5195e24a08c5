// The after-action report (auditors, admins): #/report/<advisory id> for one advisory,
// #/report/<advisory id>/incident for its whole incident (the Alert, every Update, the Cancel).
// Who approved which exact content, what went out where and when, what failed and was retried,
// the pins, and every action by a person or the machine. Prints as a document (console.css
// @media print); the PDF and CSV come from the API.
import {get, download} from "./api.js";
import {announce} from "./app.js";
import {h, show, busy, focus} from "./dom.js";
import {moment, words, deliveryBadge, ZONE} from "./deliveries.js";
import {actorLabel} from "./audit.js";
import {stateBadge} from "./lists.js";

const HASH_SHOWN = 12;

export async function render(root, {args}) {
  const [id, scope] = args;
  if (!id) {
    show(root, h("h1", {}, "After-action report"),
      h("p", {}, "Open a report from the ", h("a", {href: "#/deliveries"}, "delivery log"), ", the ",
        h("a", {href: "#/audit"}, "audit trail"), " or the ", h("a", {href: "#/advisories"}, "broadcasts"), "."));
    return undefined;
  }
  const incident = scope === "incident";
  const path = `/${incident ? "incidents" : "advisories"}/${encodeURIComponent(id)}/report`;
  const report = await get(path);
  const doc = report.document || {};
  const labels = Object.fromEntries(report.advisories.map((a) => [a.id, a.label]));
  const fileBase = `clarion-report-${incident ? report.incident_id : id}${incident ? "-incident" : ""}`;

  const notice = h("div", {class: "no-print"});
  const files = (format, accept, label) => {
    const button = h("button", {type: "button"}, label);
    button.addEventListener("click", () => busy(button, async () => {
      try {
        await download(`${path}?format=${format}`, `${fileBase}.${format}`, accept);
        show(notice, h("div", {class: "notice ok"}, `The ${format.toUpperCase()} is downloaded.`));
        announce(notice.textContent);
      } catch (error) {
        show(notice, h("div", {class: "notice error", role: "alert"}, error.message || String(error)));
      }
    }));
    return button;
  };
  const print = h("button", {type: "button", class: "primary", onclick: () => window.print()}, "Print");

  show(root, h("article", {class: doc.print?.root_class || "clarion-report", "aria-labelledby": "report-title"},
    h("nav", {class: "report-nav no-print", "aria-label": "Report"},
      h("a", {href: "#/deliveries"}, "← Delivery log"),
      h("a", {href: `#/audit?advisory_id=${encodeURIComponent(id)}`}, "Audit trail of this advisory"),
      h("a", {href: `#/advisories/${encodeURIComponent(id)}`}, "Live delivery monitor")),
    h("h1", {id: "report-title"}, doc.title || report.title),
    h("p", {class: "meta report-subtitle"}, incident
      ? `Incident ${report.incident_id} · ${report.advisories.length} advisor${report.advisories.length === 1 ? "y" : "ies"}`
      : `Advisory ${report.requested_id}`, " · generated ", moment(report.generated_at), ` by ${report.generated_by}`),
    h("nav", {class: "filters no-print", "aria-label": "Report on"},
      h("a", {href: `#/report/${encodeURIComponent(id)}`, "aria-current": incident ? null : "true"}, "This advisory"),
      h("a", {href: `#/report/${encodeURIComponent(id)}/incident`, "aria-current": incident ? "true" : null},
        "The whole incident (Alert, Updates, Cancel)")),
    h("div", {class: "actions"}, print, files("pdf", "application/pdf", "Download PDF"),
      files("csv", "text/csv", "Download CSV")),
    notice,
    report.notes.map((note) => h("div", {class: "notice warn"}, h("p", {}, note))),
    summary(report),
    report.advisories.map((advisory) => section(advisory)),
    timeline(report.timeline, labels),
    h("p", {class: "meta report-foot"}, `Times are shown in ${ZONE}; the PDF shows them in UTC.`)));
  return undefined;
}

function pair(term, ...value) {
  return [h("dt", {}, term), h("dd", {}, ...value)];
}

function drill(status) {
  return status === "Actual" ? "" : ` (${status.toUpperCase()})`;
}

function summary(report) {
  const t = report.totals;
  const states = Object.entries(t.by_state).sort().map(([state, n]) => `${n} ${words(state)}`).join(", ");
  return h("section", {id: "summary", class: "report-section", "aria-labelledby": "summary-title"},
    h("h2", {id: "summary-title"}, "Summary"),
    h("dl", {class: "summary"},
      pair("Report", report.kind === "incident" ? `Incident of ${report.requested_id}` : `Advisory ${report.requested_id}`),
      pair("Headline", report.headline),
      pair("Advisories", h("ul", {class: "plain"}, report.advisories.map((a) =>
        h("li", {}, `${a.label}${drill(a.status)}: `, h("a", {href: `#/report/${encodeURIComponent(a.id)}`}, a.id),
          " ", stateBadge(a.state))))),
      pair("First approval", moment(t.first_approval_at) || "none"),
      pair("First post", moment(t.first_post_at) || "none yet"),
      pair("Last post", moment(t.last_post_at) || "none yet"),
      t.cancelled_at ? pair("All clear posted", moment(t.cancelled_at)) : null,
      pair("Deliveries", `${t.deliveries}` + (states ? ` (${states})` : "")),
      pair("Slowest approval to post", t.max_latency_from_approval_text || "none")));
}

function hash(full) {
  return [
    h("code", {class: "hash", title: full}, full.slice(0, HASH_SHOWN)),
    h("details", {class: "full-hash no-print"}, h("summary", {}, "Show the full hash"), h("code", {}, full)),
    h("code", {class: "print-only"}, full),
  ];
}

function section(a) {
  const approval = a.approval;
  const sectionId = `advisory-${a.id}`;
  const titleId = `${sectionId}-title`;
  const differs = a.deliveries.filter((d) => !d.matches_approval);
  const failures = a.deliveries.flatMap((d) => d.failures.map((f) => ({...f, channel: d.channel_name || d.channel_account})));
  return h("section", {id: sectionId, class: "report-section report-advisory", "aria-labelledby": titleId},
    h("h2", {id: titleId}, `${a.label}${drill(a.status)}: ${a.headline}`),
    h("p", {class: "meta"}, `${a.id} · `, stateBadge(a.state), ` · written by ${a.author}, `, moment(a.created_at),
      a.references.length ? [" · follows ", a.references.map((ref, i) =>
        [i ? ", " : "", h("a", {href: `#/report/${encodeURIComponent(ref)}`}, ref)])] : null),
    a.event || a.area_desc ? h("p", {}, [a.event, a.area_desc].filter(Boolean).join(" · ") +
      (a.severity ? ` · ${a.severity}` : "") + (a.urgency ? `, ${a.urgency}` : "")) : null,

    h("h3", {}, "Approval"),
    approval
      ? h("div", {class: "approval"},
          h("p", {}, "Approved by ", h("strong", {class: "approver"}, approval.by), " at ", moment(approval.at),
            approval.via_template ? ` through template ${approval.via_template} (triggered by ${approval.triggered_by})` : "",
            "."),
          h("p", {class: "hash-line"}, "Content approved (SHA-256): ", hash(approval.content_hash)),
          approval.valid ? null : h("p", {class: "finding blocking"}, "Void: the content changed after this approval."),
          a.deliveries.length
            ? (differs.length
              ? h("p", {class: "finding blocking"}, `${differs.length} of ${a.deliveries.length} deliveries posted ` +
                  "content other than what was approved: " + differs.map((d) => d.channel_account).join(", ") + ".")
              : h("p", {class: "finding ok"}, "✓ Every delivery posted exactly this content."))
            : null)
      : h("p", {}, "Not approved."),
    a.approvals.length > 1 ? h("div", {}, h("p", {}, "Approvals on the trail (an edit voids an approval):"),
      h("ul", {}, a.approvals.map((e) => h("li", {}, `#${e.seq} · ${e.by} at `, moment(e.at),
        ` · content `, h("code", {}, e.content_hash_prefix))))) : null,
    a.rejection ? h("p", {class: "finding blocking"}, `Rejected by ${a.rejection.by}: ${a.rejection.reason || ""}`) : null,
    a.withdrawal ? h("p", {class: "finding warn"}, `Withdrawn by ${a.withdrawal.by}.`) : null,

    h("h3", {}, "Deliveries"),
    a.deliveries.length ? deliveries(a) : h("p", {}, "No deliveries."),
    failures.length ? [h("h3", {}, "Failures and retries"),
      h("ul", {class: "failures"}, failures.map((f) =>
        h("li", {}, moment(f.at), " · ", h("strong", {}, f.channel), ": ", f.what)))] : null);
}

function deliveries(a) {
  return h("div", {class: "table-wrap"}, h("table", {class: "deliveries report-deliveries stack"},
    h("caption", {class: "visually-hidden"}, `Deliveries of the ${a.label}`),
    h("thead", {}, h("tr", {}, ["Channel", "State", "Attempts", "Post", "Sent", "Approval to post", "Pin", "Last error"]
      .map((t) => h("th", {scope: "col"}, t)))),
    h("tbody", {}, a.deliveries.map((d) => {
      const name = d.channel_name || d.channel_account;
      return h("tr", {class: `delivery-${d.state}`},
        h("th", {scope: "row"}, name, d.channel_name ? h("span", {class: "cell-meta"}, ` ${d.channel_account}`) : null),
        h("td", {"data-label": "State"}, deliveryBadge(d.state)),
        h("td", {"data-label": "Attempts"}, `${d.attempts}` +
          (d.retries ? ` (${d.retries} ${d.retries === 1 ? "retry" : "retries"})` : "") +
          (d.redrives ? `, sent again ${d.redrives}×` : "")),
        h("td", {"data-label": "Post"}, d.post_url
          ? h("a", {href: d.post_url, target: "_blank", rel: "noopener noreferrer", class: "post-link"}, "Open post",
              h("span", {class: "visually-hidden"}, ` on ${name}`))
          : (d.post_id ? `post ${d.post_id}` : "")),
        h("td", {"data-label": "Sent"}, moment(d.sent_at)),
        h("td", {"data-label": "Approval to post"}, d.latency_from_approval_text || ""),
        h("td", {"data-label": "Pin"}, d.pin_state && d.pin_state !== "n/a" ? words(d.pin_state) : "",
          d.pin_error ? h("span", {class: "error-text"}, ` (${d.pin_error})`) : null),
        h("td", {class: "error-text", "data-label": "Last error"}, d.last_error || ""));
    }))));
}

function timeline(entries, labels) {
  return h("section", {id: "timeline", class: "report-section", "aria-labelledby": "timeline-title"},
    h("h2", {id: "timeline-title"}, "Timeline"),
    h("p", {class: "meta"}, "Every action on the audit trail, in order. ",
      h("span", {class: "actor-kind human"}, "● person"), " a person acted; ",
      h("span", {class: "actor-kind machine"}, "⚙ machine"), " Clarion's workers did."),
    entries.length ? h("div", {class: "table-wrap"}, h("table", {class: "timeline stack"},
      h("caption", {class: "visually-hidden"}, "Timeline, oldest first"),
      h("thead", {}, h("tr", {}, ["Step", "Time", "Who", "Action", "Advisory", "What"].map((t) => h("th", {scope: "col"}, t)))),
      // Numbered in time order: each entry's seq counts within its own audit chain (one per item).
      h("tbody", {}, entries.map((e, i) => h("tr", {class: `actor-${e.actor_kind}`},
        h("th", {scope: "row", "data-label": "Step", title: `audit entry ${e.seq} of its chain`}, `${i + 1}`),
        h("td", {"data-label": "Time"}, moment(e.at)),
        h("td", {"data-label": "Who"}, actorLabel(e.actor, e.actor_kind)),
        h("td", {"data-label": "Action"}, h("code", {}, e.action)),
        h("td", {"data-label": "Advisory"}, labels[e.advisory_id] || e.advisory_id || ""),
        h("td", {"data-label": "What", class: "summary-text"}, e.summary))))))
      : h("p", {}, "No actions recorded."));
}

