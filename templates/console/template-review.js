// Templates on the approver's screen: the drafts waiting (under the advisories on Approvals), and
// one template to review — its fields as written, what on-call fill in, its own wording, and a
// preview filled with sample values the approver may change — then Approve. Whoever wrote or
// edited a template may not approve it (the API answers 403; the console says so up front).
import {get, post, ApiError} from "./api.js";
import {announce, me, problem} from "./app.js";
import {h, show, busy, focus, newId, shortId, when} from "./dom.js";
import {channelRows} from "./preview.js";
import {stateBadge} from "./lists.js";
import {Samples, contentSummary, findingsList, parameterSummary, wordingSummary} from "./templates.js";

function wrote(template) {
  const id = me().id;
  return template.author === id || template.editors.includes(id);
}

/** The "Templates awaiting approval" section of the Approvals screen. */
export async function awaiting() {
  const section = h("section", {class: "templates-awaiting", "aria-labelledby": "templates-awaiting-title"},
    h("h2", {id: "templates-awaiting-title"}, "Templates awaiting approval"));
  try {
    const {templates} = await get("/templates");
    const drafts = templates.filter((t) => t.state === "draft")
      .sort((a, b) => (a.updated_at || a.created_at).localeCompare(b.updated_at || b.created_at));
    section.append(
      h("p", {class: "meta"}, drafts.length
        ? `${drafts.length} template${drafts.length === 1 ? "" : "s"} waiting. Once approved, on-call can launch ` +
          "them without another approval." : "No template is waiting for approval."),
      drafts.length ? h("ul", {class: "advisory-list"}, drafts.map((t) => h("li", {class: "advisory-item"},
        h("div", {class: "advisory-head"},
          h("a", {href: `#/approvals/${t.id}`, class: "advisory-title"}, t.name),
          stateBadge(t.state),
          t.content.status && t.content.status !== "Actual" ? h("span", {class: "badge test"}, t.content.status) : null,
          wrote(t) ? h("span", {class: "badge warn"}, "You wrote or edited this") : null),
        h("p", {class: "meta"}, `${shortId(t.id)} · by ${t.author}` + (t.editors.length ? `, edited by ${t.editors.join(", ")}` : "") +
          ` · last change ${when(t.updated_at || t.created_at)} · ${(t.content.channels || []).length} channel` +
          `${(t.content.channels || []).length === 1 ? "" : "s"} · ${t.parameters.length} parameter${t.parameters.length === 1 ? "" : "s"}`))))
        : null);
  } catch (error) {
    section.append(problem(error));
  }
  return section;
}

/** One template, reviewed. */
export async function review(root, id, flash = null) {
  const [template, {channels}] = await Promise.all([get(`/templates/${encodeURIComponent(id)}`), get("/channels")]);
  const accounts = Object.fromEntries(channels.map((c) => [c.id, c]));
  const t = template;
  const notice = h("div", {});
  const previewBox = h("div", {class: "preview", "aria-live": "off"}, h("p", {class: "meta"}, "Loading the preview…"));
  let sequence = 0;
  let timer = null;
  const samples = new Samples(() => {
    clearTimeout(timer);
    timer = setTimeout(preview, 400);
  });
  samples.update(t.parameters);

  async function preview() {
    const mine = ++sequence;
    try {
      // The template as stored, filled with these samples: its own wording included, as on-call would send it.
      const result = await post("/templates/preview", {name: t.name, content: t.content, parameters: t.parameters,
                                                       renderings: t.renderings || {}, sample: samples.filled()});
      if (mine !== sequence) return;
      show(previewBox, findingsList(result.findings), channelRows(result, accounts));
    } catch (error) {
      if (mine !== sequence) return;
      show(previewBox, error instanceof ApiError && error.status === 422
        ? h("div", {class: "notice error"}, h("p", {}, "Filled with these values, the template is not a valid advisory:"),
            h("ul", {}, (error.details || []).map((d) => h("li", {}, d.message || `${d.field}: ${d.problem}`))))
        : problem(error));
    }
  }

  const pending = t.state === "draft";
  const own = wrote(t);
  const worded = Object.keys(t.renderings || {});
  const actions = h("div", {class: "actions sticky"});
  if (pending && !own) actions.append(...approveButton(root, t, notice));
  show(root,
    h("p", {}, h("a", {href: "#/approvals"}, "← Approvals")),
    h("h1", {}, t.name),
    h("p", {class: "meta"}, stateBadge(t.state), ` Template ${shortId(t.id)} · by ${t.author}` +
      (t.editors.length ? `, edited by ${t.editors.join(", ")}` : "") + ` · last change ${when(t.updated_at || t.created_at)}`),
    flash ? h("div", {class: `notice ${flash.ok ? "ok" : "error"}`, role: flash.ok ? "status" : "alert"}, flash.text) : null,
    own && pending ? h("div", {class: "notice"}, "You wrote or edited this template, so another approver must approve it.") : null,
    !pending ? h("div", {class: "notice"}, t.state === "approved" && t.approval
      ? `Approved by ${t.approval.by} on ${when(t.approval.at)}: on-call can launch it. There is nothing to decide.`
      : `This template is ${t.state}: there is nothing to decide.`) : null,
    notice,
    h("section", {}, h("h2", {}, "What on-call fill in"), parameterSummary(t.parameters)),
    h("section", {}, h("h2", {}, "The advisory it makes"),
      h("p", {class: "hint"}, "As written: each {placeholder} is replaced by what on-call fill in."),
      contentSummary(t.content, accounts)),
    worded.length ? h("section", {}, h("h2", {}, "Its own wording"), wordingSummary(t.renderings)) : null,
    h("section", {"aria-labelledby": "template-preview-title"},
      h("h2", {id: "template-preview-title"}, "As each channel will show it"),
      t.parameters.length ? h("fieldset", {class: "sample-box"}, h("legend", {}, "Try it with"), samples.box) : null,
      previewBox),
    actions);
  preview();
  return () => clearTimeout(timer);
}

/** Approve, confirmed in a dialog; refused with a notice when the template changed since it was read. */
function approveButton(root, t, notice) {
  const id = newId("approve-template");
  const confirmButton = h("button", {type: "button", class: "primary"}, "Approve template");
  const dialog = h("dialog", {class: "confirm", "aria-labelledby": id},
    h("h2", {id}, "Approve this template?"),
    h("p", {}, `On-call can then launch “${t.name}” at any time, to ${(t.content.channels || []).length} channel` +
      `${(t.content.channels || []).length === 1 ? "" : "s"}, without another approval. A later edit needs approving again.`),
    h("p", {class: "meta"}, `Content reviewed: ${t.content_hash.slice(0, 12)}`),
    h("div", {class: "actions"}, confirmButton, h("button", {type: "button", onclick: () => dialog.close()}, "Go back")));
  confirmButton.addEventListener("click", () => busy(confirmButton, async () => {
    try {
      // The API approves the template as it is then: approve only what was reviewed.
      const now = await get(`/templates/${t.id}`);
      if (now.content_hash !== t.content_hash) {
        dialog.close();
        await review(root, t.id, {ok: false, text: "This template changed since you opened it: review it again."});
        focus(root.querySelector("h1"));
        return;
      }
      await post(`/templates/${t.id}/approve`);
      dialog.close();
      announce("Template approved: on-call can launch it");
      await review(root, t.id, {ok: true, text: `Approved: on-call can launch “${t.name}” now.`});
      focus(root.querySelector("h1"));
    } catch (error) {
      dialog.close();
      if (error instanceof ApiError && error.status === 403) approve.remove();  // it would only be refused again
      show(notice, problem(error));
      focus(notice);
    }
  }));
  const approve = h("button", {type: "button", class: "primary", onclick: () => dialog.showModal()}, "Approve…");
  return [approve, dialog];
}
