// The console's shell: sign-in, who is signed in, the screens their roles may use, and a
// hash router. Switching user (sign-out, sign-in) reloads the page, so nothing of the last
// user's work stays on screen.
import {get, ApiError} from "./api.js";
import {session} from "./auth.js";
import {h, show, focus} from "./dom.js";

// Each screen: which roles see it, its nav label, and the module that draws it.
const SCREENS = [
  {path: "write", label: "Write", roles: ["spokesperson"], load: () => import("./write.js")},
  {path: "mine", label: "My advisories", roles: ["spokesperson"], load: () => import("./lists.js"), view: "mine"},
  {path: "approvals", label: "Approvals", roles: ["approver"], load: () => import("./review.js")},
  {path: "launch", label: "Launch", roles: ["oncall"], load: () => import("./launch.js")},
  {path: "advisories", label: "Broadcasts", roles: null, load: () => import("./lists.js"), view: "all"},
  {path: "organisation", label: "Organisation", roles: ["admin", "approver"], load: () => import("./organisation.js")},
  {path: "templates", label: "Templates", roles: ["admin"], load: () => import("./templates.js")},
  {path: "deliveries", label: "Delivery log", roles: ["auditor", "admin"], load: () => import("./deliveries.js")},
  {path: "audit", label: "Audit trail", roles: ["auditor", "admin"], load: () => import("./audit.js")},
  {path: "users", label: "Users", roles: ["admin"], load: () => import("./users.js")},
  {path: "channels", label: "Channels", roles: ["admin"], load: () => import("./channels.js")},
  {path: "groups", label: "Channel groups", roles: ["admin"], load: () => import("./groups.js")},
  // Not in the nav: reached from the delivery log, the audit trail and the broadcasts.
  {path: "report", label: "After-action report", roles: ["auditor", "admin"], nav: false, load: () => import("./report.js")},
];
const SWITCH_POLL_MS = 30000;

const main = document.getElementById("main");
const state = {me: null, cleanup: null, ticket: 0};

export function announce(text) {
  const region = document.getElementById("announce");
  region.textContent = "";
  setTimeout(() => { region.textContent = text; }, 50);
}

export function may(...roles) {
  return !!state.me && roles.some((role) => state.me.roles.includes(role));
}

export function me() {
  return state.me;
}

export function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function allowed(screen) {
  return !screen.roles || may(...screen.roles);
}

function drawShell() {
  const screens = SCREENS.filter((s) => allowed(s) && s.nav !== false);
  show(document.getElementById("nav"), h("ul", {},
    screens.map((s) => h("li", {}, h("a", {href: `#/${s.path}`, dataset: {path: s.path}}, s.label)))));
  show(document.getElementById("who"),
    h("span", {class: "who-name"}, state.me.name),
    h("span", {class: "who-roles"}, state.me.roles.join(", ")),
    h("button", {type: "button", class: "link", onclick: () => session.signOut()}, "Sign out"));
}

async function route() {
  if (!state.me) return;
  const [path = "", ...rest] = location.hash.replace(/^#\/?/, "").split("?")[0].split("/");
  const screens = SCREENS.filter(allowed);
  const screen = screens.find((s) => s.path === path) || screens.find((s) => s.nav !== false);
  for (const link of document.querySelectorAll("#nav a")) {
    if (link.dataset.path === screen.path) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (state.cleanup) state.cleanup();
  state.cleanup = null;
  // Each screen draws into its own container, shown only if no later navigation overtook it:
  // a slow screen can never land on top of the one the person moved on to.
  const ticket = ++state.ticket;
  const view = h("div", {class: "screen"});
  show(main, h("p", {class: "loading"}, "Loading…"));
  let cleanup = null;
  try {
    const module = await screen.load();
    cleanup = await module.render(view, {args: rest.map(decodeURIComponent), view: screen.view, path: screen.path});
  } catch (error) {
    show(view, problem(error));
  }
  if (ticket !== state.ticket) {
    if (typeof cleanup === "function") cleanup();
    return;
  }
  state.cleanup = typeof cleanup === "function" ? cleanup : null;
  show(main, view);
  document.title = `${screen.label} · Clarion`;
  focus(main.querySelector("h1") || main);
}

/** The banner every screen shows while deliveries are paused (or a pause waits for confirmation). */
export function refreshSwitch(state) {
  const banner = document.getElementById("switch-banner");
  if (!state || state.state === "running") {
    banner.replaceChildren();
    banner.hidden = true;
    return;
  }
  const paused = state.state === "paused";
  show(banner, h("p", {},
    h("strong", {}, paused ? "All deliveries are paused. " : "A pause of all deliveries waits for confirmation. "),
    paused ? `Nothing is posted until an admin resumes (reason: ${state.reason}).`
           : `${state.requested_by} asked (reason: ${state.reason}); an approver must confirm.`,
    " ", h("a", {href: "#/organisation"}, "Details")));
  banner.className = paused ? "switch-banner paused" : "switch-banner";
  banner.hidden = false;
}

async function watchSwitch() {
  try {
    refreshSwitch(await get("/switch"));
  } catch {
    // the next poll tries again; the screens say when Clarion cannot be reached
  }
  setTimeout(watchSwitch, SWITCH_POLL_MS);
}

/** An error as a person reads it: a sentence, and what each detail says. */
export function problem(error) {
  const details = (error instanceof ApiError ? error.details : []) || [];
  return h("div", {class: "notice error", role: "alert"},
    h("p", {}, error.message || String(error)),
    details.length ? h("ul", {}, details.map((d) => h("li", {}, d.message || `${d.field || d.code}`))) : null);
}

function signInScreen(message) {
  document.getElementById("nav").replaceChildren();
  document.getElementById("who").replaceChildren();
  const button = h("button", {type: "button", class: "primary big", onclick: () => session.signIn()}, "Sign in");
  show(main, h("section", {class: "sign-in"},
    h("h1", {}, "Clarion"),
    h("p", {}, "Crisis communication for the health department. Sign in with your work account."),
    message ? h("div", {class: "notice error", role: "alert"}, message) : null,
    button));
  focus(main.querySelector("h1"));
}

// The skip link moves focus without touching the address: the hash is the router's.
document.querySelector(".skip").addEventListener("click", (event) => {
  event.preventDefault();
  focus(main);
});

async function start() {
  let signedIn = false;
  try {
    signedIn = await session.start(() => {
      state.me = null;
      signInScreen("Your session ended. Sign in again to go on.");
    });
  } catch (error) {
    signInScreen(error.message);
    return;
  }
  if (!signedIn) {
    signInScreen();
    return;
  }
  try {
    state.me = await get("/me");
  } catch (error) {
    signInScreen(error.message);
    return;
  }
  drawShell();
  window.addEventListener("hashchange", route);
  route();
  watchSwitch();
}

start();
