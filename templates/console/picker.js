// The channel picker the composer and the template editor share: the channel groups first, then
// every account by platform. Ticking a group ticks its accounts (unticking unticks them); a group
// shows ticked when all its accounts are, half-ticked ("mixed") when some are. The form sends a
// wholly ticked group as `group:<name>`, which the API expands to the group's accounts when the
// draft is saved, and the other ticked accounts one by one.
import {h, onlyTestAccounts} from "./dom.js";
import {platformName} from "./preview.js";

const plural = (n, word) => `${n.toLocaleString()} ${word}${n === 1 ? "" : "s"}`;

export class ChannelPicker {
  /**
   * accounts: the accounts offered; groups: GET /channel-groups' groups; note: the element for
   * the field's findings; describe(account): what follows an account's name (badges, readiness).
   */
  constructor({accounts, groups = [], note, describe = () => null}) {
    this.accounts = accounts;
    this.byId = Object.fromEntries(accounts.map((a) => [a.id, a]));
    // A group stands for its enabled accounts (what the API expands it to); only offered ones count.
    this.groups = groups.map((g) => ({...g, members: g.channels.filter((id) => this.byId[id] && this.byId[id].enabled),
                                      missing: g.channels.filter((id) => !this.byId[id] || !this.byId[id].enabled)}))
                        .filter((g) => g.members.length);
    this.drillNote = h("p", {class: "hint", hidden: true},
      "Exercises and tests go only to test accounts; live accounts are switched off.");
    this.total = h("p", {class: "picker-total meta"});
    this.groupRows = {};
    this.boxById = {};
    const byPlatform = {};
    for (const a of accounts) (byPlatform[a.platform] ||= []).push(a);
    this.element = h("fieldset", {class: "channel-picker", "aria-describedby": note.id,
                                  onchange: (event) => this.changed(event)},
      h("legend", {}, "Channels"), this.drillNote, this.total,
      this.groups.length ? h("fieldset", {class: "platform groups"}, h("legend", {}, "Channel groups"),
        h("p", {class: "hint"}, "A group ticks all its accounts; untick one to leave it out."),
        this.groups.map((g) => this.groupChoice(g))) : null,
      Object.entries(byPlatform).map(([platform, list]) => h("fieldset", {class: "platform"},
        h("legend", {}, platformName(platform)),
        list.map((a) => h("label", {class: "choice"},
          this.boxById[a.id] = h("input", {type: "checkbox", name: "channels", value: a.id,
                                           dataset: {sandbox: String(a.sandbox)}}),
          h("span", {class: "choice-text"}, a.name, describe(a)))))),
      note);
    this.sync();
  }

  groupChoice(group) {
    const box = h("input", {type: "checkbox", name: "channel_groups", value: group.name});
    const count = h("span", {class: "group-count meta"});
    this.groupRows[group.name] = {box, count};
    return h("label", {class: "choice group-choice"}, box,
      h("span", {class: "choice-text"}, group.label, h("span", {class: "visually-hidden"}, ", "), count));
  }

  boxes() {
    return Object.values(this.boxById);
  }

  box(id) {
    return this.boxById[id];
  }

  changed(event) {
    const target = event.target;
    if (target.name === "channel_groups") {
      const group = this.groups.find((g) => g.name === target.value);
      for (const id of group.members) {
        const box = this.box(id);
        if (box && !box.disabled) box.checked = target.checked;
      }
    }
    this.sync();
  }

  /** Each group's box from its accounts' (ticked, half-ticked, unticked), and the counts. */
  sync() {
    const ticked = new Set(this.boxes().filter((b) => b.checked).map((b) => b.value));
    for (const group of this.groups) {
      const {box, count} = this.groupRows[group.name];
      const chosen = group.members.filter((id) => ticked.has(id)).length;
      box.checked = chosen === group.members.length;
      box.indeterminate = chosen > 0 && chosen < group.members.length;
      box.disabled = group.members.every((id) => this.box(id).disabled);
      const parts = [plural(group.members.length, "account")];
      if (box.indeterminate) parts.push(`${chosen.toLocaleString()} ticked`);
      if (box.disabled) parts.push("no test accounts");
      else if (group.missing.length) parts.push(`${group.missing.length.toLocaleString()} switched off, left out`);
      count.textContent = parts.join(" · ");
    }
    const whole = this.wholeGroups(ticked);
    this.total.textContent = ticked.size
      ? `${plural(ticked.size, "account")} chosen` + (whole.length ? ` (all of ${whole.map((g) => g.label).join(", ")})` : "")
      : "No account chosen yet.";
  }

  wholeGroups(ticked) {
    return this.groups.filter((g) => g.members.every((id) => ticked.has(id)));
  }

  /** What the API is sent: each wholly ticked group as `group:<name>`, then the other accounts. */
  value() {
    const ticked = this.boxes().filter((b) => b.checked).map((b) => b.value);
    const whole = this.wholeGroups(new Set(ticked));
    const covered = new Set(whole.flatMap((g) => g.members));
    return [...whole.map((g) => `group:${g.name}`), ...ticked.filter((id) => !covered.has(id))];
  }

  /** Tick exactly these accounts (a saved draft's concrete channels). */
  fill(ids) {
    const wanted = new Set(ids || []);
    for (const box of this.boxes()) box.checked = wanted.has(box.value);
    this.sync();
  }

  /** A drill goes to test accounts only: live accounts' boxes are unticked and switched off. */
  drill(drill, form) {
    this.drillNote.hidden = !drill;
    onlyTestAccounts(form, drill);
    this.sync();
  }
}

/** "County health departments (97 accounts)" for each group a saved advisory or template chose. */
export function chosenGroups(groups) {
  return (groups || []).map((g) => `${g.label} (${plural(g.channels.length, "account")}` +
    (g.left_out && g.left_out.length ? `; ${g.left_out.length.toLocaleString()} switched off, left out` : "") + ")");
}
