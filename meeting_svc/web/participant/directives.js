// A department's directives and their progress, reported by the department's representative. Drawn in
// the reports region by reports.js, which hands down how to draw that region again.

import { meetingApi, messageOf, resolutionApi } from "../lib/api.js";
import { departmentName } from "../lib/departments.js";
import { h, linkified } from "../lib/dom.js";
import { dateText, dateTime } from "../lib/format.js";
import { drafted, forgetDraft, formHandlers, startEditing, stopEditing } from "../lib/forms.js";
import { pick, t } from "../lib/i18n.js";
import { render } from "../lib/render.js";
import { representing } from "../lib/roles.js";
import { meetingId, state } from "../lib/state.js";

// Names of the people who wrote progress notes, learnt once. `redraw` (here and below): what draws the
// region the directives are in again, handed down by the view that shows them.
function authorName(entry, redraw) {
  if (entry.author_kind === "organiser") return t().organiser;
  if (!entry.author_id) return "";
  if (entry.author_id === state.me.id) return state.me.name;
  if (!(entry.author_id in state.names)) {
    state.names[entry.author_id] = "…";
    meetingApi(`/meetings/${meetingId}/participants/${entry.author_id}`)
      .then((person) => {
        state.names[entry.author_id] = person.name;
        redraw();
        render();
      })
      .catch((error) => console.warn("author", error));
  }
  return state.names[entry.author_id];
}

// Each responsible department's latest report, its own first.
function renderProgress(directive, redraw) {
  const entries = [...directive.progress].sort(
    (a, b) => (b.department_id === state.me.department_id) - (a.department_id === state.me.department_id),
  );
  if (!entries.length) return directive.note ? h("p", { class: "note" }, linkified(directive.note)) : null;
  return h(
    "ul",
    { class: "progress" },
    entries.map((entry) =>
      h(
        "li",
        { "data-department": entry.department_id || "" },
        h("strong", {}, departmentName(entry.department_id, redraw)),
        " ",
        h("span", { class: `badge ${entry.status}` }, t().directiveStatus[entry.status] || entry.status),
        entry.note ? h("p", { class: "note" }, linkified(entry.note)) : null,
        h("small", { class: "muted" }, [authorName(entry, redraw), dateTime(entry.recorded_at)].filter(Boolean).join(" · ")),
      ),
    ),
  );
}

const ownNote = (directive) => (directive.progress.find((p) => p.department_id === state.me.department_id) || {}).note || "";

export function renderDirective(directive, redraw) {
  const editing = state.editing[directive.id];
  const status = t().directiveStatus[directive.status] || directive.status;
  return h(
    "article",
    { class: "directive", "data-directive": directive.id },
    h("h3", {}, pick(directive.title)),
    directive.description ? h("p", {}, linkified(directive.description)) : null,
    h(
      "p",
      { class: "muted" },
      directive.due_date ? `${t().due}: ${dateText(directive.due_date)}` : "",
      directive.overdue ? ` · ${t().overdue}` : "",
      h("span", { class: `badge ${directive.status}` }, status),
    ),
    renderProgress(directive, redraw),
    editing
      ? h(
          "form",
          { class: "report-form", ...formHandlers(directive.id, (form) => reportProgress(directive, form, redraw)) },
          h(
            "label",
            {},
            t().update,
            h(
              "select",
              { name: "status", "data-focus": `${directive.id}/field` },
              Object.entries(t().directiveStatus).map(([value, label]) =>
                h("option", { value, selected: value === drafted(directive.id, "status", directive.status) }, label),
              ),
            ),
          ),
          h("label", {}, t().note, h("textarea", { name: "note", rows: 3 }, drafted(directive.id, "note", ownNote(directive)))),
          h(
            "p",
            { class: "actions" },
            h("button", { type: "submit", class: "primary", "data-focus": `${directive.id}/save` }, t().save),
            h("button", { type: "button", class: "secondary", onclick: () => stopEditing(directive, redraw) }, t().cancel),
          ),
        )
      : h("button", { type: "button", class: "secondary", "data-focus": `${directive.id}/edit`, onclick: () => startEditing(directive, redraw) }, t().update),
    state.messages[directive.id] ? h("p", { class: "error", role: "alert" }, state.messages[directive.id]) : null,
  );
}

async function reportProgress(directive, form, redraw) {
  const body = { status: form.get("status"), note: form.get("note").trim() };
  try {
    await resolutionApi(`/directives/${directive.id}`, { method: "PATCH", body, ifMatch: `"${directive.version}"` });
    delete state.editing[directive.id];
    forgetDraft(directive.id);
    state.messages[directive.id] = null;
    await loadDirectives();
  } catch (error) {
    state.messages[directive.id] = messageOf(error);
    // Changed meanwhile: show the latest above the form, which keeps the draft for another save.
    if (error.status === 412) await loadDirectives().catch(() => {});
  }
  redraw();
}

export async function loadDirectives() {
  if (!representing()) return;
  const query = `?department=${encodeURIComponent(state.me.department_id)}&meeting_id=${encodeURIComponent(meetingId)}`;
  state.directives = (await resolutionApi(`/directives${query}`)).items;
}
