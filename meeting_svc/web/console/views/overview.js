// One meeting: edit its details, move it through its lifecycle (schedule, start, end, cancel) and
// duplicate it as next year's template.

import { meetingApi } from "../../lib/api.js";
import { h } from "../../lib/dom.js";
import { pick, t } from "../i18n.js";
import { announce, clearProblem, field, focusHeading, rfc3339, showProblem, statusBadge, tabs, when } from "../ui.js";
import { meetingBody, meetingFields } from "./meetings.js";
import { policySection } from "./notifications.js";

const ACTIONS = {
  draft: ["schedule", "cancel"],
  scheduled: ["start", "cancel"],
  in_progress: ["end"],
};

export async function renderOverview(view, context) {
  const { meetingId, navigate, go } = context;
  const meeting = await meetingApi(`/meetings/${meetingId}`);
  const editable = ["draft", "scheduled", "in_progress"].includes(meeting.status);
  let confirmingCancel = false;
  let confirmingEnd = false; // ending closes the open polls: a second press does it

  const lifecycle = h("div", { class: "actions" });
  const drawLifecycle = () =>
    lifecycle.replaceChildren(
      ...(ACTIONS[meeting.status] || []).map((action) => {
        const label =
          action === "cancel"
            ? confirmingCancel ? t().confirmCancel : t().cancelMeeting
            : action === "end" && confirmingEnd ? t().confirmEnd : t()[action];
        return h(
          "button",
          {
            type: "button",
            class: action === "cancel" || action === "end" ? "danger" : "primary",
            onclick: async (event) => {
              if (action === "end" && !confirmingEnd) {
                confirmingEnd = true;
                drawLifecycle();
                return lifecycle.querySelector("button").focus();
              }
              if (action === "cancel" && !confirmingCancel) {
                confirmingCancel = true;
                drawLifecycle();
                return lifecycle.querySelector("button.danger").focus();
              }
              try {
                await meetingApi(`/meetings/${meetingId}/${action}`, { method: "POST", ifMatch: `"${meeting.version}"` });
                announce(t().status[{ schedule: "scheduled", start: "in_progress", end: "ended", cancel: "cancelled" }[action]]);
                await renderOverview(view, context);
                focusHeading(view);
              } catch (error) {
                showProblem(lifecycle, error);
                event.target.focus();
              }
            },
          },
          label,
        );
      }),
    );
  drawLifecycle();

  const edit = h(
    "form",
    {
      class: "card",
      "aria-labelledby": "edit-meeting",
      onsubmit: async (event) => {
        event.preventDefault();
        clearProblem(edit);
        try {
          await meetingApi(`/meetings/${meetingId}`, { method: "PATCH", body: meetingBody(edit), ifMatch: `"${meeting.version}"` });
          announce(t().saved);
          await renderOverview(view, context);
          focusHeading(view);
        } catch (error) {
          showProblem(edit, error);
        }
      },
    },
    h("h2", { id: "edit-meeting" }, t().edit),
    ...meetingFields(meeting).map((p) => {
      if (!editable) p.querySelector("input,select,textarea")?.setAttribute("disabled", "");
      return p;
    }),
    editable ? h("button", { type: "submit", class: "primary" }, t().save) : null,
  );

  const copy = h(
    "form",
    {
      class: "card",
      "aria-labelledby": "duplicate",
      onsubmit: async (event) => {
        event.preventDefault();
        clearProblem(copy);
        const data = new FormData(copy);
        try {
          const created = await meetingApi(`/meetings/${meetingId}/duplicate`, {
            method: "POST",
            body: {
              title: { vi: data.get("title_vi").trim(), en: data.get("title_en").trim() },
              starts_at: rfc3339(data.get("starts_at"), meeting.timezone),
              ends_at: rfc3339(data.get("ends_at"), meeting.timezone),
              participants: data.get("participants") === "on",
            },
          });
          announce(t().duplicated);
          go(`/organiser/meetings/${created.id}`);
        } catch (error) {
          showProblem(copy, error);
        }
      },
    },
    h("h2", { id: "duplicate" }, t().duplicate),
    h("p", { class: "muted" }, t().duplicateHelp),
    field(t().titleVi, { name: "title_vi", value: meeting.title.vi, lang: "vi" }),
    field(t().titleEn, { name: "title_en", value: meeting.title.en, lang: "en" }),
    field(`${t().startsAt} (${meeting.timezone})`, { name: "starts_at", type: "datetime-local", required: true }),
    field(`${t().endsAt} (${meeting.timezone})`, { name: "ends_at", type: "datetime-local", required: true }),
    h("p", { class: "field inline" }, h("input", { type: "checkbox", id: "copy-people", name: "participants", checked: true }), h("label", { for: "copy-people" }, t().withPeople)),
    h("button", { type: "submit", class: "secondary" }, t().duplicate),
  );

  view.replaceChildren(
    h("h1", {}, pick(meeting.title)),
    h("p", {}, statusBadge(meeting.status), " ", h("span", { class: "muted" }, when(meeting))),
    tabs(meetingId, "", navigate),
    lifecycle,
    edit,
    await policySection(meetingId, editable),
    copy,
  );
}
