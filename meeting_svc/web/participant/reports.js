// A department's representative: the position reports asked of their department (send, revise) and,
// in the same region, their department's directives.

import { call, meetingApi, messageOf } from "../lib/api.js";
import { departmentName } from "../lib/departments.js";
import { h, linkified } from "../lib/dom.js";
import { deadlineText } from "../lib/format.js";
import { drafted, forgetDraft, formHandlers, startEditing, stopEditing } from "../lib/forms.js";
import { pick, t } from "../lib/i18n.js";
import { keepingFocus, reload, reports } from "../lib/render.js";
import { representing } from "../lib/roles.js";
import { meetingId, state } from "../lib/state.js";
import { loadDirectives, renderDirective } from "./directives.js";

export function renderReports() {
  keepingFocus(drawReports);
}

function drawReports() {
  const mine = state.requests.filter((r) => representing() && r.department_ids.includes(state.me.department_id));
  reports.replaceChildren(
    mine.length ? h("section", { class: "card", id: "reports" }, h("h2", {}, t().reports), mine.map(renderRequest)) : "",
    state.directives.length
      ? h("section", { class: "card", id: "directives" }, h("h2", {}, t().directives), state.directives.map((d) => renderDirective(d, renderReports)))
      : "",
    renderOthersReports(),
  );
}

// Every department's position report that has been sent (one's own is above): each opened to read,
// and only then fetched.
function renderOthersReports() {
  const sent = state.contributionStatus.filter(
    (s) => s.submission_id && !(representing() && s.department_id === state.me.department_id),
  );
  if (!sent.length) return "";
  return h(
    "section",
    { class: "card", id: "position-reports" },
    h("h2", {}, t().othersReports),
    sent.map((s) => {
      const req = state.requests.find((r) => r.id === s.request_id);
      const submission = state.submissions[s.submission_id];
      const body = h("div", { class: "report-body" });
      if (submission) body.innerHTML = submission.current.body_html; // rendered and sanitised by meeting_svc
      return h(
        "details",
        {
          class: "other-report",
          "data-department": s.department_id,
          open: Boolean(submission),
          ontoggle: (event) => {
            if (event.target.open && !submission) readReport(s);
          },
        },
        h("summary", { "data-focus": `report/${s.submission_id}` }, departmentName(s.department_id, renderReports), req ? ` · ${pick(req.topic)}` : ""),
        submission ? h("h3", {}, submission.current.title) : h("p", { class: "muted" }, t().loading),
        submission ? body : null,
      );
    }),
  );
}

async function readReport(status) {
  try {
    state.submissions[status.submission_id] = await meetingApi(
      `/meetings/${meetingId}/contribution-requests/${status.request_id}/submissions/${status.submission_id}`,
    );
  } catch (error) {
    console.warn("report", error);
  }
  renderReports();
}

// Live news about reports or directives is shown at once unless a form is open; then after it closes.
export function refreshReports() {
  reload("reports", async () => {
    await Promise.all([loadReports(), loadDirectives()]);
    if (!Object.keys(state.editing).length) renderReports();
  });
}

function renderRequest(req) {
  const status = state.contributionStatus.find((s) => s.request_id === req.id && s.department_id === state.me.department_id);
  const submission = status && status.submission_id ? state.submissions[status.submission_id] : null;
  const current = submission && submission.current;
  const body = h("div", { class: "report-body" });
  if (current) body.innerHTML = current.body_html; // rendered and sanitised by meeting_svc
  return h(
    "article",
    { class: "request", "data-request": req.id },
    h("h3", {}, pick(req.topic)),
    h(
      "p",
      { class: "muted" },
      `${t().deadline}: ${deadlineText(req.deadline)}`,
      status ? h("span", { class: `badge ${status.status}` }, t().contribution[status.status] || status.status) : null,
    ),
    req.guidance ? h("p", { class: "guidance" }, linkified(req.guidance)) : null,
    current
      ? h(
          "div",
          { class: "report" },
          h("h4", {}, current.title),
          h("p", { class: "muted" }, t().revision(current.revision), current.late ? ` · ${t().late}` : ""),
          body,
          current.recommendations.length ? h("ol", { class: "recommendations" }, current.recommendations.map((r) => h("li", {}, r))) : null,
        )
      : null,
    state.editing[req.id]
      ? renderReportForm(req, submission)
      : h(
          "button",
          { type: "button", class: "secondary", "data-focus": `${req.id}/edit`, onclick: () => startEditing(req, renderReports) },
          submission ? t().revise : t().submit,
        ),
    state.messages[req.id] ? h("p", { class: "error", role: "alert" }, state.messages[req.id]) : null,
  );
}

function renderReportForm(req, submission) {
  const current = submission && submission.current;
  return h(
    "form",
    { class: "report-form", ...formHandlers(req.id, (form) => sendReport(req, submission, form)) },
    h(
      "label",
      {},
      t().reportTitle,
      h("input", { name: "title", "data-focus": `${req.id}/field`, required: true, maxlength: 500, value: drafted(req.id, "title", current ? current.title : "") }),
    ),
    h("label", {}, t().reportBody, h("textarea", { name: "body", rows: 10, "data-focus": `${req.id}/body` }, drafted(req.id, "body", current ? current.body : ""))),
    h(
      "label",
      {},
      t().recommendations,
      h(
        "textarea",
        { name: "recommendations", rows: 4, "data-focus": `${req.id}/recommendations` },
        drafted(req.id, "recommendations", current ? current.recommendations.join("\n") : ""),
      ),
    ),
    h(
      "p",
      { class: "actions" },
      h("button", { type: "submit", class: "primary", "data-focus": `${req.id}/save` }, submission ? t().saveRevision : t().submit),
      h("button", { type: "button", class: "secondary", onclick: () => stopEditing(req, renderReports) }, t().cancel),
    ),
  );
}

async function sendReport(req, submission, form) {
  const body = {
    title: form.get("title").trim(),
    body: form.get("body"),
    recommendations: form
      .get("recommendations")
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean),
  };
  const base = `/meetings/${meetingId}/contribution-requests/${req.id}/submissions`;
  try {
    const saved = submission
      ? await call("", `/api/v1${base}/${submission.id}`, { method: "PUT", body, ifMatch: `"${submission.revision}"` })
      : await meetingApi(base, { method: "POST", body });
    state.submissions[saved.id] = saved;
    delete state.editing[req.id];
    forgetDraft(req.id);
    state.messages[req.id] = null;
    await loadReports();
  } catch (error) {
    // The form stays open with the draft; a conflict shows the version saved meanwhile above it.
    state.messages[req.id] = messageOf(error);
    if (error.status === 412) await loadReports().catch(() => {});
  }
  renderReports();
}

export async function loadReports() {
  const [requests, status] = await Promise.all([
    meetingApi(`/meetings/${meetingId}/contribution-requests`),
    meetingApi(`/meetings/${meetingId}/contributions`),
  ]);
  state.requests = requests.items;
  state.contributionStatus = status.items;
  const ids = status.items.filter((s) => representing() && s.department_id === state.me.department_id && s.submission_id);
  await Promise.all(
    ids.map(async (s) => {
      state.submissions[s.submission_id] = await meetingApi(
        `/meetings/${meetingId}/contribution-requests/${s.request_id}/submissions/${s.submission_id}`,
      );
    }),
  );
}
