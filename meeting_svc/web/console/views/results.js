// After the meeting: the result of every poll, the directive tracker across departments (status,
// overdue, each responsible department's latest progress note with its author and time, and on demand
// every note by department, newest first), and the exports the APIs make (downloaded with the console's
// token).

import { meetingApi, resolutionApi } from "../../lib/api.js";
import { h } from "../../lib/dom.js";
import { dateText, dateTime } from "../../lib/format.js";
import { config, state } from "../../lib/state.js";
import { pick, t } from "../i18n.js";
import { downloadButton, problemText, tabs } from "../ui.js";

const TABLES = ["xlsx", "csv"];

// Progress reports (newest first, as the API gives them) grouped by department, each group keeping that
// order; the department heard from last comes first.
export function byDepartment(entries) {
  const groups = new Map();
  for (const entry of entries) {
    const key = entry.department_id || "";
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(entry);
  }
  return [...groups.entries()];
}

export async function renderResults(view, context) {
  const { meetingId, navigate } = context;
  const [meeting, { items: departments }, { items: polls }, { items: directives }, { items: people }, { items: versions }] =
    await Promise.all([
      meetingApi(`/meetings/${meetingId}`),
      meetingApi("/departments"),
      resolutionApi(`/meetings/${meetingId}/polls`),
      resolutionApi(`/directives?meeting_id=${meetingId}`),
      meetingApi(`/meetings/${meetingId}/participants?role=department_representative`),
      meetingApi(`/meetings/${meetingId}/minutes/versions`),
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

  // A directive's notes history, read when first opened; what is open stays open across redraws.
  const histories = new Map();
  const opened = new Set();
  const historyList = (entries) =>
    entries.length
      ? h(
          "ul",
          { class: "history" },
          byDepartment(entries).map(([department, notes]) =>
            h(
              "li",
              { "data-department": department },
              h("strong", {}, department ? name(department) : t().noDepartment),
              h(
                "ol",
                {},
                notes.map((entry) =>
                  h(
                    "li",
                    { "data-progress": entry.id },
                    h("span", { class: `badge ${entry.status}` }, t().directiveStatus[entry.status]),
                    " ",
                    h("span", { class: "note" }, entry.note || "—"),
                    h("br"),
                    h("small", { class: "muted" }, t().byAt(author(entry), dateTime(entry.recorded_at))),
                  ),
                ),
              ),
            ),
          ),
        )
      : h("p", { class: "muted" }, t().noHistory);

  function historyOf(d) {
    const body = h("div", { "aria-live": "polite" });
    const fill = async () => {
      if (!histories.has(d.id)) {
        body.replaceChildren(h("p", { class: "muted" }, t().loading));
        try {
          histories.set(d.id, (await resolutionApi(`/directives/${d.id}/progress`)).items);
        } catch (error) {
          return body.replaceChildren(h("p", { class: "error", role: "alert" }, problemText(error)));
        }
      }
      body.replaceChildren(historyList(histories.get(d.id)));
    };
    const disclosure = h(
      "details",
      {
        class: "history",
        "data-history": d.id,
        open: opened.has(d.id),
        ontoggle: (event) => {
          if (event.currentTarget.open) {
            opened.add(d.id);
            fill();
          } else opened.delete(d.id);
        },
      },
      h("summary", {}, t().history, h("span", { class: "visually-hidden" }, `: ${pick(d.title)}`)),
      body,
    );
    if (opened.has(d.id)) fill();
    return disclosure;
  }

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
              (d.progress || []).length ? historyOf(d) : null,
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
    exportsSection(meetingId, closed, versions),
  );
}

// The files the APIs make of this meeting: attendance, directives, decisions, each closed poll (and who
// voted what where the vote was named), and the minutes (the draft, every approved version).
function exportsSection(meetingId, closed, versions) {
  const lang = state.lang;
  const status = h("p", { class: "download-status", role: "status" });
  const meetingFile = (path) => `/api/v1/meetings/${meetingId}${path}`;
  const row = (what, files, extra = {}) =>
    h(
      "li",
      extra,
      h("span", { class: "file-name" }, what),
      h(
        "span",
        { class: "actions" },
        files.map(([format, base, path, fallback]) => downloadButton({ what, format: format.toUpperCase(), base, path, fallback, status })),
      ),
    );
  const tables = (base, path, file, query = "") =>
    TABLES.map((format) => [format, base, `${path}?format=${format}&lang=${lang}${query}`, `${file}.${format}`]);
  const resolution = config.resolutionApi;
  return h(
    "section",
    { class: "card", "aria-labelledby": "exports" },
    h("h2", { id: "exports" }, t().exports),
    h("p", { class: "muted" }, t().exportsHelp),
    h(
      "ul",
      { class: "downloads" },
      row(t().attendanceFile, tables("", meetingFile("/attendance:export"), "attendance"), { "data-export": "attendance" }),
      row(
        t().directivesFile,
        [...tables(resolution, "/api/v1/directives:export", "directives", `&meeting_id=${meetingId}`), ["json", resolution, `/api/v1/directives:export?format=json&lang=${lang}&meeting_id=${meetingId}`, "directives.json"]],
        { "data-export": "directives" },
      ),
      row(t().decisionsFile, tables(resolution, "/api/v1/decisions:export", "decisions", `&meeting_id=${meetingId}`), { "data-export": "decisions" }),
      closed.flatMap((p) => [
        row(`${t().pollFile(pick(p.question))} · ${t().resultFile}`, tables(resolution, `/api/v1/polls/${p.id}/result:export`, "result"), { "data-export": `result-${p.id}` }),
        p.secret ? null : row(`${t().pollFile(pick(p.question))} · ${t().ballotsFile}`, tables(resolution, `/api/v1/polls/${p.id}/ballots:export`, "ballots"), { "data-export": `ballots-${p.id}` }),
      ]),
      row(`${t().minutesFile} · ${t().minutesDraft}`, [["pdf", "", meetingFile(`/minutes?format=pdf&lang=${lang}`), `minutes-draft-${lang}.pdf`]], { "data-export": "minutes-draft" }),
      versions.map((v) =>
        row(
          `${t().minutesFile} · ${t().minutesVersion(v.version)}`,
          ["html", "pdf"].map((format) => [format, "", meetingFile(`/minutes/versions/${v.version}?format=${format}&lang=${lang}`), `minutes-v${v.version}-${lang}.${format}`]),
          { "data-export": `minutes-v${v.version}` },
        ),
      ),
    ),
    versions.length ? null : h("p", { class: "muted" }, t().noMinutesVersions),
    status,
  );
}
