// The meeting's notification policy on its overview: per kind of notice, who gets the email (everyone
// concerned, the representatives, nobody) and how (at once or in a daily digest). Kinds the organiser has
// not set follow the defaults and say so; invitations always go and are not listed.

import { meetingApi } from "../../lib/api.js";
import { h } from "../../lib/dom.js";
import { t } from "../i18n.js";
import { announce, clearProblem, field, showProblem } from "../ui.js";

const KINDS = ["reminder", "contribution", "poll_opened", "result", "directive"];

export async function policySection(meetingId, editable) {
  const section = h("section", { class: "card", "aria-labelledby": "policy" });

  async function draw() {
    const policy = await meetingApi(`/meetings/${meetingId}/notification-policy`);
    const send = async (rules) => {
      clearProblem(form);
      try {
        await meetingApi(`/meetings/${meetingId}/notification-policy`, { method: "PUT", body: { rules }, ifMatch: `"${policy.version}"` });
        announce(t().policySaved);
        await draw();
        section.querySelector("h2").focus();
      } catch (error) {
        showProblem(form, error);
      }
    };
    const form = h(
      "form",
      {
        onsubmit: (event) => {
          event.preventDefault();
          const data = new FormData(form);
          const rules = KINDS.map((kind) => [kind, { audience: data.get(`${kind}_audience`), delivery: data.get(`${kind}_delivery`) }]);
          // a kind left as its default stays a default (it follows the meeting if, say, a venue is added)
          const chosen = rules.filter(([kind, rule]) => policy.set.includes(kind) || rule.audience !== policy.rules[kind].audience || rule.delivery !== policy.rules[kind].delivery);
          send(Object.fromEntries(chosen));
        },
      },
      KINDS.map((kind) => {
        const rule = policy.rules[kind];
        const chosen = policy.set.includes(kind);
        return h(
          "fieldset",
          { class: "policy-kind", "data-kind": kind, disabled: !editable },
          h("legend", {}, t().noticeKind[kind], " ", h("span", { class: "badge" }, chosen ? t().policyChosen : t().policyDefault)),
          field(t().audienceLabel, { name: `${kind}_audience`, value: rule.audience }, { tag: "select", options: Object.entries(t().audience) }),
          field(t().deliveryLabel, { name: `${kind}_delivery`, value: rule.delivery }, { tag: "select", options: Object.entries(t().delivery) }),
        );
      }),
      editable
        ? h(
            "p",
            { class: "actions" },
            h("button", { type: "submit", class: "primary" }, t().savePolicy),
            h("button", { type: "button", class: "secondary", onclick: () => send({}) }, t().restoreDefaults),
          )
        : null,
    );
    section.replaceChildren(
      h("h2", { id: "policy", tabindex: "-1" }, t().notifications),
      h("p", { class: "muted" }, t().policyHelp, " ", policy.in_room ? t().policyInRoom : ""),
      form,
    );
  }

  await draw();
  return section;
}
