// After the meeting: the result of every poll, and the directive tracker across departments (status,
// overdue, each responsible department's latest progress note with its author and time).

import { meetingApi, resolutionApi } from "../../lib/api.js";
import { h } from "../../lib/dom.js";
import { dateText, dateTime } from "../../lib/format.js";
import { state } from "../../lib/state.js";
import { pick, t } from "../i18n.js";
import { tabs } from "../ui.js";

export async function renderResults(view, context) {
  const { meetingId, navigate } = context;
  const [meeting, { items: departments }, { items: polls }, { items: directives }, { items: people }] = await Promise.all([
    meetingApi(`/meetings/${meetingId}`),
    meetingApi("/departments"),
    resolutionApi(`/meetings/${meetingId}/polls`),
    resolutionApi(`/directives?meeting_id=${meetingId}`),
    meetingApi(`/meetings/${meetingId}/participants?role=department_representative`),
  ]);
  const authors = Object.fromEntries(people.map((p) => [p.id, p.name]));
  const author = (entry) => (entry.author_kind === "organiser" ? t().console : authors[entry.author_id] || "—");
  state.meeting = meeting; // the shared formats read the meeting's calendar from here
  const closed = polls.filter((p) => p.status === "closed");
  // every closed poll's result in one answer, not one request per poll
  const byPoll = closed.length ? Object.fromEntries((await resolutionApi(`/meetings/${meetingId}/results`)).items.map((r) => [r.poll_id, r])) : {};
  const results = closed.map((p) => byPoll[p.id]);
  const name = (id) => {
    const d = departments.find((x) => x.id === id);
    return d ? (d.code ? `${d.code} · ${pick(d.name)}` : pick(d.name)) : id;
  };

  const tracker = h("tbody");
  let overdueOnly = false;
  const drawTracker = () =>
    tracker.replaceChildren(
      ...directives
        .filter((d) => !overdueOnly || d.overdue)
        .map((d) =>
          h(
            "tr",
            { "data-directive": d.id },
            h("th", { scope: "row" }, pick(d.title)),
            h("td", {}, d.department_ids.map(name).join(", ")),
            h("td", {}, d.due_date ? dateText(d.due_date) : "—"),
            h("td", {}, h("span", { class: `badge ${d.overdue ? "overdue" : d.status}` }, t().directiveStatus[d.status]), d.overdue ? h("strong", { class: "error" }, ` ${t().overdue}`) : null),
            h(
              "td",
              {},
              (d.progress || []).length
                ? h(
                    "ul",
                    { class: "progress" },
                    d.progress.map((entry) =>
                      h(
                        "li",
                        {},
                        entry.department_id ? h("strong", {}, `${name(entry.department_id)}: `) : null,
                        entry.note || t().directiveStatus[entry.status],
                        h("br"),
                        h("small", { class: "muted" }, t().byAt(author(entry), dateTime(entry.recorded_at))),
                      ),
                    ),
                  )
                : d.note || "—",
            ),
          ),
        ),
    );
  drawTracker();

  view.replaceChildren(
    h("h1", {}, pick(meeting.title)),
    tabs(meetingId, "results", navigate),
    h(
      "section",
      { class: "card", "aria-labelledby": "poll-results" },
      h("h2", { id: "poll-results" }, t().pollResults),
      closed.length
        ? h(
            "ul",
            { class: "polls" },
            closed.map((p, i) =>
              h(
                "li",
                { "data-poll": p.id },
                h("h3", {}, pick(p.question)),
                h("p", { class: `outcome ${results[i].result.outcome}` }, t().outcome[results[i].result.outcome]),
                h("p", { class: "muted" }, pick(p.rule_text)),
                h("ul", { class: "tallies" }, results[i].result.tallies.map((x) => h("li", { "data-option": x.option }, h("span", {}, t().options[x.option] || x.option), h("span", {}, t().votesWeight(x.count, x.weight))))),
              ),
            ),
          )
        : h("p", { class: "muted" }, t().noPolls),
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "directive-tracker" },
      h("h2", { id: "directive-tracker" }, t().directiveTracker),
      h(
        "p",
        { class: "field inline" },
        h("input", { type: "checkbox", id: "overdue-only", onchange: (e) => ((overdueOnly = e.target.checked), drawTracker()) }),
        h("label", { for: "overdue-only" }, t().overdueOnly),
      ),
      directives.length
        ? h(
            "div",
            { class: "table-wrap" },
            h(
              "table",
              {},
              h("caption", { class: "visually-hidden" }, t().directiveTracker),
              h("thead", {}, h("tr", {}, ...[t().directives, t().owner, t().dueDate, t().statusColumn, t().note].map((c) => h("th", { scope: "col" }, c)))),
              tracker,
            ),
          )
        : h("p", { class: "muted" }, t().noDirectives),
    ),
  );
}
