// Building the page: every value goes in as text (textContent, attributes), never as markup.

/** h("button", {class: "primary", onclick: fn}, "Save") — an element with attributes and children. */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key in node && typeof value !== "string") node[key] = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace what a node shows. */
export function show(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

let uid = 0;
export const newId = (prefix) => `${prefix}-${++uid}`;

/** Text with http(s) links as links (the way the platforms show them). */
export function linkified(text) {
  const out = [];
  let last = 0;
  for (const match of text.matchAll(/https?:\/\/[^\s<>"')\]]+/g)) {
    out.push(text.slice(last, match.index));
    out.push(h("a", {href: match[0], rel: "noopener noreferrer", target: "_blank"}, match[0]));
    last = match.index + match[0].length;
  }
  out.push(text.slice(last));
  return out;
}

/** Text with the code points [start, end) marked (the API counts code points, as Python does). */
export function marked(text, start, end) {
  const points = Array.from(text);
  return [points.slice(0, start).join(""), h("mark", {}, points.slice(start, end).join("")),
          points.slice(end).join("")];
}

export function shortId(id) {
  return id ? id.replace(/^[a-z]+_/, "").slice(0, 8) : "";
}

const TIME = new Intl.DateTimeFormat(undefined, {dateStyle: "medium", timeStyle: "short"});
export function when(iso) {
  return iso ? TIME.format(new Date(iso)) : "";
}

export function ago(iso, now = Date.now()) {
  if (!iso) return "";
  const s = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d`;
}

/** Run `work` with the button disabled (and marked busy) until it settles: no double submits. */
export async function busy(button, work) {
  if (button.disabled) return undefined;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

/** Move focus to the result of an action, so keyboard and screen-reader users land on it. */
export function focus(node) {
  if (!node) return;
  if (!node.hasAttribute("tabindex")) node.setAttribute("tabindex", "-1");
  node.focus({preventScroll: false});
}

/** "2026-12-04T09:30" from a datetime-local input → the same moment with this device's offset. */
export function withOffset(local) {
  const date = new Date(local);
  const minutes = -date.getTimezoneOffset();
  const sign = minutes >= 0 ? "+" : "-";
  const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, "0");
  return `${local.length === 16 ? local + ":00" : local}${sign}${pad(minutes / 60)}:${pad(minutes % 60)}`;
}

/** The value of the checked radio button called `name` in `form` ("" when none is). */
export function chosen(form, name) {
  const checked = form.querySelector(`input[name="${name}"]:checked`);
  return checked ? checked.value : "";
}

/** The values of the checked boxes called `name` in `form`. */
export function allChosen(form, name) {
  return [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);
}

/** A drill goes to test accounts only: live accounts' boxes are unticked and disabled. */
export function onlyTestAccounts(form, drill) {
  for (const box of form.querySelectorAll("input[name=channels]")) {
    box.disabled = drill && box.dataset.sandbox !== "true";
    if (box.disabled) box.checked = false;
  }
}
