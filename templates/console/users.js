// The admin's users: who may sign in, their roles (a tick gives a role, untick takes it away, saved
// at once and audited), and Disable / Enable (a disabled person is refused at their next request).
import {get, post, call} from "./api.js";
import {announce, me, problem} from "./app.js";
import {h, show, busy, focus, newId} from "./dom.js";

const ROLES = [
  ["spokesperson", "Spokesperson", "writes advisories and submits them for approval"],
  ["approver", "Approver", "approves or rejects advisories; confirms a pause of all deliveries"],
  ["oncall", "On-call", "launches pre-approved templates; retries failed deliveries"],
  ["auditor", "Auditor", "reads the audit trail, the delivery log and after-action reports"],
  ["admin", "Admin", "manages users, channel accounts, templates and the organisation's settings"],
];
const NAMES = Object.fromEntries(ROLES.map(([role, label]) => [role, label]));

export async function render(root) {
  const {users} = await get("/users");
  const list = h("ul", {class: "user-list"});
  const local = users.some((u) => u.directory_status === "local");
  show(root,
    h("h1", {}, "Users"),
    h("p", {class: "lead"}, "Tick a role to give it, untick it to take it away: each change is saved at once " +
      "and recorded in the audit trail."),
    h("p", {class: "hint"}, "Someone already signed in keeps their roles until their sign-in renews (within the " +
      "hour) or they sign in again. Disabling stops them at their very next request."),
    local ? h("p", {class: "hint"}, "On this local stack the demo tokens (demo-oncall, …) see a role change at " +
      "their next request; the sign-in stand-in always signs the demo users in with their usual roles.") : null,
    h("details", {class: "role-help"}, h("summary", {}, "What each role may do"),
      h("dl", {class: "summary"}, ROLES.map(([, label, text]) => [h("dt", {}, label), h("dd", {}, text)]))),
    h("p", {class: "meta", role: "status"}, `${users.length} ${users.length === 1 ? "person" : "people"}`),
    list);
  for (const user of users) {
    const card = h("li", {class: "card user-card"});
    list.append(card);
    draw(card, user);
  }
  return undefined;
}

function draw(card, user, message) {
  const self = me() && me().id === user.id;
  const notice = h("div", {class: "user-notice"},
    message ? h("p", {class: "notice ok", role: "status"}, message) : null);
  const roles = h("fieldset", {class: "choices user-roles"},
    h("legend", {}, "Roles", h("span", {class: "visually-hidden"}, ` of ${user.name}`)),
    ROLES.map(([role, label]) => h("label", {class: "choice"},
      h("input", {type: "checkbox", name: "role", value: role, checked: user.roles.includes(role),
                  onchange: (event) => toggle(card, user, role, event.currentTarget, notice)}),
      label)));
  show(card,
    h("h2", {}, user.name,
      self ? h("span", {class: "badge"}, "You") : null,
      user.status === "disabled" ? h("span", {class: "badge blocked"}, "Disabled") : h("span", {class: "badge ok"}, "Enabled")),
    h("p", {class: "meta"}, [user.id, user.email].filter(Boolean).join(" · ")),
    roles, notice, access(card, user, self, notice));
}

/** Disable / Enable, or why neither can be done here. */
function access(card, user, self, notice) {
  const directory = user.directory_enabled ? null : h("p", {class: "hint"}, `Turned off in the user directory ` +
    `(${user.directory_status}): turn ${user.name} on there to let them sign in.`);
  if (user.disabled) {
    const enable = h("button", {type: "button", class: "primary"}, "Enable");
    enable.addEventListener("click", () => busy(enable, () => setAccess(card, user, false, notice)));
    return [h("div", {class: "actions"}, enable,
      h("p", {class: "hint"}, `${user.name} cannot use Clarion until enabled.`)), directory];
  }
  if (directory) return directory;
  if (self) return h("p", {class: "hint"}, "You cannot disable yourself: another admin can.");
  const disable = h("button", {type: "button", class: "caution"}, "Disable…");
  disable.addEventListener("click", async () => {
    const sure = await confirmDialog(card, `Disable ${user.name}?`,
      `${user.name} is refused at their very next request, until an admin enables them again. Their roles stay as they are.`,
      `Disable ${user.name}`);
    if (sure) await busy(disable, () => setAccess(card, user, true, notice));
    else focus(disable);
  });
  return h("div", {class: "actions"}, disable);
}

async function toggle(card, user, role, box, notice) {
  const grant = box.checked;
  box.disabled = true;
  try {
    const changed = await call(grant ? "PUT" : "DELETE",
      `/users/${encodeURIComponent(user.id)}/roles/${encodeURIComponent(role)}`);
    const done = changed.changed
      ? `${NAMES[role]} ${grant ? "given to" : "taken from"} ${changed.name}. It applies at once.`
      : `${changed.name} ${grant ? "already had" : "did not have"} the ${NAMES[role]} role.`;
    draw(card, changed, done);
    announce(done);
    const again = card.querySelector(`input[value="${role}"]`);
    if (again) again.focus();
  } catch (error) {
    box.checked = !grant;
    box.disabled = false;
    show(notice, problem(error));
    focus(box);
  }
}

async function setAccess(card, user, disable, notice) {
  try {
    await post(`/users/${encodeURIComponent(user.id)}/${disable ? "disable" : "enable"}`);
    const {users} = await get("/users");
    const fresh = users.find((u) => u.id === user.id) || {...user, disabled: disable,
                                                            status: disable ? "disabled" : "enabled"};
    const done = disable ? `${user.name} is disabled: refused from their next request.`
                         : `${user.name} is enabled and can sign in again.`;
    draw(card, fresh, done);
    announce(done);
    focus(card.querySelector("h2"));
  } catch (error) {
    show(notice, problem(error));
    focus(notice);
  }
}

/** A modal "are you sure?": resolves true when confirmed, false when the person goes back. */
function confirmDialog(parent, title, text, yes) {
  return new Promise((resolve) => {
    const titleId = newId("confirm");
    const dialog = h("dialog", {class: "confirm", "aria-labelledby": titleId},
      h("h2", {id: titleId}, title), h("p", {}, text));
    const finish = (answer) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    dialog.append(h("div", {class: "actions"},
      h("button", {type: "button", class: "danger", onclick: () => finish(true)}, yes),
      h("button", {type: "button", onclick: () => finish(false)}, "Go back")));
    dialog.addEventListener("cancel", (event) => { event.preventDefault(); finish(false); });
    parent.append(dialog);
    dialog.showModal();
  });
}
