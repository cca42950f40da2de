// A department's directives and their progress, reported by the department's representative.

import { resolutionApi } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { dateText } from "../lib/format.js";
import { startEditing, stopEditing, submitWith } from "../lib/forms.js";
import { pick, t } from "../lib/i18n.js";
import { meetingId, state } from "../lib/state.js";
import { renderReports, representing } from "./reports.js";

export function renderDirective(directive) {
  const editing = state.editing[directive.id];
  const status = t().directiveStatus[directive.status] || directive.status;
  return h(
    "article",
    { class: "directive", "data-directive": directive.id },
    h("h3", {}, pick(directive.title)),
    directive.description ? h("p", {}, directive.description) : null,
    h(
      "p",
      { class: "muted" },
      directive.due_date ? `${t().due}: ${dateText(directive.due_date)}` : "",
      directive.overdue ? ` · ${t().overdue}` : "",
      h("span", { class: `badge ${directive.status}` }, status),
    ),
    directive.note ? h("p", { class: "note" }, directive.note) : null,
    editing
      ? h(
          "form",
          { class: "report-form", onsubmit: submitWith((form) => reportProgress(directive, form)) },
          h(
            "label",
            {},
            t().update,
            h(
              "select",
              { name: "status" },
              Object.entries(t().directiveStatus).map(([value, label]) =>
                h("option", { value, selected: value === directive.status }, label),
              ),
            ),
          ),
          h("label", {}, t().note, h("textarea", { name: "note", rows: 3 }, directive.note)),
          h(
            "p",
            { class: "actions" },
            h("button", { type: "submit", class: "primary" }, t().save),
            h("button", { type: "button", class: "secondary", onclick: () => stopEditing(directive, renderReports) }, t().cancel),
          ),
        )
      : h("button", { type: "button", class: "secondary", onclick: () => startEditing(directive, renderReports) }, t().update),
    state.messages[directive.id] ? h("p", { class: "error", role: "alert" }, state.messages[directive.id]) : null,
  );
}

async function reportProgress(directive, form) {
  const body = { status: form.get("status"), note: form.get("note").trim() };
  try {
    await resolutionApi(`/directives/${directive.id}`, { method: "PATCH", body, ifMatch: `"${directive.version}"` });
    delete state.editing[directive.id];
    state.messages[directive.id] = null;
    await loadDirectives();
  } catch (error) {
    state.messages[directive.id] = error.message;
    if (error.status === 412) await loadDirectives().catch(() => {}); // changed meanwhile: show the latest
  }
  renderReports();
}

export async function loadDirectives() {
  if (!representing()) return;
  const query = `?department=${encodeURIComponent(state.me.department_id)}&meeting_id=${encodeURIComponent(meetingId)}`;
  state.directives = (await resolutionApi(`/directives${query}`)).items;
}
