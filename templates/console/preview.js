// Every channel's exact rendering, as its platform will show it: one compact row per channel
// (its status at a glance), opening to a card with the text, thread parts, the count against
// the limit, SMS parts and encoding; the banner as the website shows it, CAP as a summary.
import {h, linkified} from "./dom.js";

const PLATFORM_NAMES = {x: "X", facebook: "Facebook", mastodon: "Mastodon", bluesky: "Bluesky", telegram: "Telegram",
                        slack: "Slack", discord: "Discord", sms: "SMS", email: "E-mail", banner: "Website banner",
                        cap_feed: "CAP / Atom feed"};

/** What each advisory field is called on screen. */
export const LABELS = {headline: "Headline", description: "What happened", instruction: "What people should do",
                required_text: "Required text", event: "Event", area_desc: "Area", effective: "Effective from",
                expires: "Expires", web: "More information (link)", contact: "Contact", hashtags: "Hashtags",
                channels: "Channels", urgency: "Urgency", severity: "Severity", certainty: "Certainty",
                category: "Category", response_type: "Response", status: "Status", language: "Language"};

export const platformName = (platform) => PLATFORM_NAMES[platform] || platform;

function over(part) {
  return part.limit !== null && part.limit !== undefined && part.length > part.limit;
}

function status(channel) {
  if (channel.findings.some((f) => f.blocking) || channel.parts.some(over)) return ["blocked", "Needs a fix"];
  if (channel.findings.length || (channel.warnings || []).length) return ["warn", "Check"];
  return ["ok", channel.parts.length > 1 ? `Thread of ${channel.parts.length}` : "Ready"];
}

function count(part) {
  if (part.limit === null || part.limit === undefined) return `${part.length} ${part.unit}`;
  return `${part.length} / ${part.limit} ${part.unit}`;
}

function parts(channel) {
  return channel.parts.map((part, index) => h("div", {class: "post" + (over(part) ? " over" : "")},
    channel.parts.length > 1 ? h("div", {class: "meta"}, `Part ${index + 1} of ${channel.parts.length}`) : null,
    h("p", {class: "post-text"}, linkified(part.text)),
    h("div", {class: "meta"}, count(part), over(part) ? " — too long" : "")));
}

function raw(label, text) {
  return text ? h("details", {class: "raw"}, h("summary", {}, label), h("pre", {}, text)) : null;
}

// The banner snippet's elements, copied as inert DOM: no scripts, no handlers, links only to
// http(s). (A sandboxed frame would need frame-src in the CSP; this needs nothing.)
const BANNER_TAGS = new Set(["DIV", "SPAN", "STRONG", "EM", "B", "I", "P", "A"]);

function inert(node) {
  if (node.nodeType !== Node.ELEMENT_NODE || !BANNER_TAGS.has(node.tagName)) return node.textContent || "";
  const attrs = {class: node.getAttribute("class"), lang: node.getAttribute("lang")};
  const href = node.tagName === "A" ? node.getAttribute("href") || "" : "";
  if (/^https?:\/\//i.test(href)) Object.assign(attrs, {href, rel: "noopener noreferrer", target: "_blank"});
  return h(node.tagName.toLowerCase(), attrs, [...node.childNodes].map(inert));
}

function banner(channel) {
  const parsed = new DOMParser().parseFromString(channel.html || "", "text/html");  // parsed as data: nothing runs
  return [h("div", {class: "banner-preview", "aria-label": "The website banner as it will show", role: "group"},
            [...parsed.body.childNodes].map(inert)),
          raw("Raw HTML", channel.html)];
}

function cap(channel) {
  if (!channel.document) return [];
  // Parsed as XML data (nothing in it runs) to show what a CAP reader will see.
  const doc = new DOMParser().parseFromString(channel.document, "application/xml");
  const text = (name) => {
    const node = doc.getElementsByTagNameNS("*", name)[0];
    return node ? node.textContent : "";
  };
  const rows = [["Headline", text("headline")], ["Status / type", `${text("status")} ${text("msgType")}`.trim()],
                ["Urgency · severity · certainty", [text("urgency"), text("severity"), text("certainty")].filter(Boolean).join(" · ")],
                ["Area", text("areaDesc")], ["Instruction", text("instruction")], ["Expires", text("expires")]];
  return [h("dl", {class: "summary"}, rows.filter(([, v]) => v).map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
          raw("Raw CAP XML", channel.document)];
}

function body(channel) {
  if (channel.platform === "banner") return banner(channel);
  if (channel.platform === "cap_feed") return cap(channel);
  const items = [];
  if (channel.subject) items.push(h("p", {class: "meta"}, "Subject: ", h("strong", {}, channel.subject)));
  items.push(...parts(channel));
  if (channel.sms) {
    items.push(h("p", {class: "meta"}, `${channel.sms.encoding}, ${channel.sms.segments} SMS part` +
      `${channel.sms.segments === 1 ? "" : "s"} (at most ${channel.sms.max_segments})`));
  }
  return items;
}

export function channelRows(preview, accounts = {}) {
  return h("div", {class: "channels-preview"}, preview.channels.map((channel) => {
    const [kind, label] = status(channel);
    const account = accounts[channel.channel_account];
    return h("details", {class: `channel-row ${kind}`},
      h("summary", {},
        h("span", {class: "channel-name"}, account ? account.name : channel.channel_account),
        h("span", {class: `badge ${kind}`}, label)),
      h("div", {class: "channel-body"},
        channel.findings.map((f) => h("p", {class: `finding ${f.blocking ? "blocking" : "warn"}`}, f.message)),
        (channel.warnings || []).map((w) => h("p", {class: "finding warn"}, w)),
        body(channel)));
  }));
}
