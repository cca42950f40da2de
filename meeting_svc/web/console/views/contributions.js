// Contribution requests and their tracker per department (missing / submitted / revised / late /
// overdue), the report itself on demand, and reminders by email to the departments without one.

import { meetingApi } from "../../lib/api.js";
import { h } from "../../lib/dom.js";
import { dateTime, deadlineText } from "../../lib/format.js";
import { state } from "../../lib/state.js";
import { pick, t } from "../i18n.js";
import { announce, clearProblem, field, rfc3339, showProblem, tabs } from "../ui.js";

export async function renderContributions(view, context) {
  const { meetingId, navigate } = context;
  const [meeting, { items: departments }, { items: requests }, { items: statuses }] = await Promise.all([
    meetingApi(`/meetings/${meetingId}`),
    meetingApi("/departments"),
    meetingApi(`/meetings/${meetingId}/contribution-requests`),
    meetingApi(`/meetings/${meetingId}/contributions`),
  ]);
  const name = (id) => {
    const d = departments.find((x) => x.id === id);
    return d ? (d.code ? `${d.code} · ${pick(d.name)}` : pick(d.name)) : id;
  };
  state.meeting = meeting; // the shared formats read the meeting's calendar from here
  const reportBox = h("section", { class: "card report-view", "aria-live": "polite", hidden: true });

  async function remind(request, departmentIds, button) {
    try {
      const answer = await meetingApi(`/meetings/${meetingId}/contribution-requests/${request.id}/reminders`, {
        method: "POST",
        body: departmentIds ? { department_ids: departmentIds } : {},
      });
      announce(t().reminded(answer.department_ids.length));
      await renderContributions(view, context);
      view.querySelector(`[data-request="${request.id}"] h3`)?.focus();
    } catch (error) {
      showProblem(button.closest("section"), error);
    }
  }

  async function openReport(request, status) {
    const report = await meetingApi(`/meetings/${meetingId}/contribution-requests/${request.id}/submissions/${status.submission_id}`);
    const body = h("div", { class: "report-body" });
    body.innerHTML = report.current.body_html; // rendered and sanitised by meeting_svc
    reportBox.hidden = false;
    reportBox.replaceChildren(
      h("h2", { tabindex: "-1" }, report.current.title),
      h("p", { class: "muted" }, `${name(status.department_id)} · ${t().contributionStatus[status.status]}`),
      body,
      report.current.recommendations.length ? h("ul", {}, report.current.recommendations.map((r) => h("li", {}, r))) : null,
    );
    reportBox.querySelector("h2").focus();
  }

  const trackers = requests.map((request) => {
    const rows = statuses.filter((s) => s.request_id === request.id);
    return h(
      "section",
      { class: "card", "data-request": request.id, "aria-labelledby": `request-${request.id}` },
      h("h3", { id: `request-${request.id}`, tabindex: "-1" }, pick(request.topic)),
      h("p", { class: "muted" }, `${t().deadline}: ${deadlineText(request.deadline)}`),
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          {},
          h("caption", { class: "visually-hidden" }, `${t().tracker}: ${pick(request.topic)}`),
          h("thead", {}, h("tr", {}, ...[t().department, t().statusColumn, t().lastReminded, t().actions].map((c) => h("th", { scope: "col" }, c)))),
          h(
            "tbody",
            {},
            rows.map((s) =>
              h(
                "tr",
                { "data-department": s.department_id },
                h("th", { scope: "row" }, name(s.department_id)),
                h("td", {}, h("span", { class: `badge ${s.status}` }, t().contributionStatus[s.status])),
                h("td", {}, s.reminded_at ? dateTime(s.reminded_at) : "—"),
                h(
                  "td",
                  { class: "row-actions" },
                  s.submission_id
                    ? h("button", { type: "button", class: "secondary", "aria-label": `${t().openReport}: ${name(s.department_id)}`, onclick: () => openReport(request, s) }, t().openReport)
                    : h("button", { type: "button", class: "secondary", "aria-label": `${t().remind}: ${name(s.department_id)}`, onclick: (e) => remind(request, [s.department_id], e.target) }, t().remind),
                ),
              ),
            ),
          ),
        ),
      ),
      rows.some((s) => !s.submission_id)
        ? h("p", {}, h("button", { type: "button", class: "primary", onclick: (e) => remind(request, null, e.target) }, t().remindMissing))
        : null,
    );
  });

  const form = h(
    "form",
    {
      class: "card",
      "aria-labelledby": "new-request",
      onsubmit: async (event) => {
        event.preventDefault();
        clearProblem(form);
        const data = new FormData(form);
        try {
          await meetingApi(`/meetings/${meetingId}/contribution-requests`, {
            method: "POST",
            body: {
              topic: { vi: data.get("topic_vi").trim(), en: data.get("topic_en").trim() },
              guidance: data.get("guidance"),
              department_ids: data.getAll("department_ids"),
              deadline: rfc3339(data.get("deadline"), meeting.timezone),
              allow_late: data.get("allow_late") === "on",
            },
          });
          announce(t().requested);
          await renderContributions(view, context);
        } catch (error) {
          showProblem(form, error);
        }
      },
    },
    h("h2", { id: "new-request" }, t().newRequest),
    field(t().topicVi, { name: "topic_vi", lang: "vi" }),
    field(t().topicEn, { name: "topic_en", lang: "en" }),
    field(t().guidance, { name: "guidance", rows: 3 }, { tag: "textarea" }),
    h(
      "fieldset",
      {},
      h("legend", {}, t().addressed),
      departments.map((d) =>
        h("p", { class: "field inline" }, h("input", { type: "checkbox", id: `dep-${d.id}`, name: "department_ids", value: d.id }), h("label", { for: `dep-${d.id}` }, name(d.id))),
      ),
    ),
    field(`${t().deadline} (${meeting.timezone})`, { name: "deadline", type: "datetime-local", required: true }),
    h("p", { class: "field inline" }, h("input", { type: "checkbox", id: "allow-late", name: "allow_late" }), h("label", { for: "allow-late" }, t().allowLate)),
    h("button", { type: "submit", class: "primary" }, t().request),
  );

  view.replaceChildren(
    h("h1", {}, pick(meeting.title)),
    tabs(meetingId, "contributions", navigate),
    h("h2", {}, t().tracker),
    ...(trackers.length ? trackers : [h("p", { class: "muted" }, t().noRequests)]),
    reportBox,
    form,
  );
}
