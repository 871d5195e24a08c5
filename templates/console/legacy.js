
// Every value from the API is put in the page with textContent, never as HTML.
const $ = (id) => document.getElementById(id);
const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
async function api(method, path, body) {
  const res = await fetch(path, {method, headers: {"Authorization": "Bearer " + $("token").value, "Content-Type": "application/json"},
                                 body: body === undefined ? undefined : JSON.stringify(body)});
  const data = await res.json().catch(() => null);
  if (!res.ok) { const err = (data && data.error) || {message: res.statusText}; throw Object.assign(new Error(err.message), {details: err.details}); }
  return data;
}
function say(text) { $("status").textContent = text; }
function draft() {
  const f = new FormData($("draft")); const body = {};
  for (const [k, v] of f.entries()) if (v !== "" && k !== "hashtags") body[k] = v;
  const tags = (f.get("hashtags") || "").split(/\s+/).filter(Boolean); if (tags.length) body.hashtags = tags;
  body.channels = [...document.querySelectorAll("#channels input:checked")].map(i => i.value);
  return body;
}
function showPreview(p) {
  const box = $("preview"); box.replaceChildren();
  for (const ch of p.channels) {
    box.append(el("h3", ch.channel_account));
    for (const part of ch.parts) {
      const over = part.limit != null && part.length > part.limit;
      box.append(el("div", part.text, "part" + (over ? " over" : "")));
      box.append(el("div", part.limit != null ? `${part.length} / ${part.limit} ${part.unit}` : `${part.length} characters`, "meta"));
    }
    if (ch.sms) box.append(el("div", `${ch.sms.encoding}, ${ch.sms.segments} of at most ${ch.sms.max_segments} SMS`, "meta"));
    for (const f of ch.findings) box.append(el("div", f.message, "finding" + (f.blocking ? "" : " warn")));
  }
  const fb = $("findings"); fb.replaceChildren();
  for (const f of p.findings.filter(f => !f.channel)) fb.append(el("div", f.message, "finding" + (f.blocking ? "" : " warn")));
}
let timer = null;
function schedulePreview() { clearTimeout(timer); timer = setTimeout(async () => {
  try { if ($("headline").value) showPreview(await api("POST", "/advisories/preview", draft())); say(""); }
  catch (e) { say(e.message + (e.details ? ": " + JSON.stringify(e.details) : "")); } }, 300); }
async function loadChannels() {
  const {channels} = await api("GET", "/channels"); const box = $("channels"); box.replaceChildren();
  for (const c of channels) { const l = el("label"); const i = el("input"); i.type = "checkbox"; i.value = c.id;
    l.append(i, " " + c.name + (c.sandbox ? " (test)" : "")); box.append(l); }
}
async function loadAdvisories() {
  const {advisories} = await api("GET", "/advisories"); const body = $("advisories"); body.replaceChildren();
  for (const a of advisories) {
    const tr = el("tr"); tr.append(el("td", a.content.headline), el("td", a.state), el("td", a.author));
    const td = el("td");
    const act = (label, fn) => { const b = el("button", label); b.type = "button"; b.onclick = fn; td.append(b); };
    act("Preview", async () => { showPreview(await api("GET", `/advisories/${a.id}/preview`)); showDeliveries(a.id); });
    if (a.state === "pending_approval") {
      act("Approve", () => run(api("POST", `/advisories/${a.id}/approve`, {content_hash: a.content_hash}), "Approved"));
      act("Reject", () => { const reason = prompt("Why? (the author sees this)"); if (reason) run(api("POST", `/advisories/${a.id}/reject`, {reason}), "Rejected"); });
    }
    tr.append(td); body.append(tr);
  }
}
async function showDeliveries(id) {
  const {deliveries} = await api("GET", `/advisories/${id}/deliveries`); const body = $("deliveries"); body.replaceChildren();
  $("deliveries-title").hidden = $("deliveries-table").hidden = deliveries.length === 0;
  for (const d of deliveries) { const tr = el("tr"); const post = el("td");
    if (d.post_url) { const a = el("a", "open"); a.href = d.post_url; a.target = "_blank"; a.rel = "noopener"; post.append(a); }
    tr.append(el("td", d.channel_account), el("td", d.state), el("td", d.pin_state), post, el("td", d.last_error || "")); body.append(tr); }
}
async function run(promise, done) { try { await promise; say(done); } catch (e) { say(e.message + (e.details ? ": " + JSON.stringify(e.details) : "")); } loadAdvisories(); }
$("draft").addEventListener("input", schedulePreview);
$("draft").addEventListener("submit", (ev) => { ev.preventDefault(); run((async () => {
  const created = await api("POST", "/advisories", draft()); await api("POST", `/advisories/${created.id}/submit`); })(), "Submitted for approval"); });
$("token").addEventListener("change", () => { loadChannels().catch(e => say(e.message)); loadAdvisories().catch(e => say(e.message)); });
loadChannels().catch(e => say(e.message)); loadAdvisories().catch(e => say(e.message));
