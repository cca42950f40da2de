// Resolutions: draft one with its directives (each owned by a department or a block, with a due
// date), and prepare its vote from a preset named in plain words, the exact rule shown beside it.

import { resolutionApi, meetingApi } from "../../lib/api.js";
import { h } from "../../lib/dom.js";
import { dateText } from "../../lib/format.js";
import { pick, t } from "../i18n.js";
import { announce, clearProblem, field, focusHeading, showProblem, tabs } from "../ui.js";
import { amendmentsSection } from "./amendments.js";

export async function renderResolutions(view, context) {
  const { meetingId, navigate } = context;
  const [meeting, { items: departments }, { items: resolutions }, { items: polls }, { items: presets }] = await Promise.all([
    meetingApi(`/meetings/${meetingId}`),
    meetingApi("/departments"),
    resolutionApi(`/meetings/${meetingId}/resolutions`),
    resolutionApi(`/meetings/${meetingId}/polls`),
    resolutionApi("/poll-presets"),
  ]);
  const amendments = Object.fromEntries(
    await Promise.all(resolutions.map(async (r) => [r.id, (await resolutionApi(`/resolutions/${r.id}/amendments`)).items])),
  );
  // after a decision the focus stays on the amendment decided, now showing its new status
  const redraw = async (amendmentId) => {
    await renderResolutions(view, context);
    const heading = view.querySelector(`#am-${amendmentId}`);
    if (!heading) return focusHeading(view);
    heading.setAttribute("tabindex", "-1");
    heading.focus();
  };
  const name = (id) => {
    const d = departments.find((x) => x.id === id);
    return d ? (d.code ? `${d.code} · ${pick(d.name)}` : pick(d.name)) : id;
  };
  const owners = [
    ...departments.filter((d) => !d.parent_id).flatMap((b) => [[b.id, `${t().block}: ${name(b.id)}`], ...departments.filter((d) => d.parent_id === b.id).map((d) => [d.id, `— ${name(d.id)}`])]),
  ];

  function pollForm(resolution) {
    const ruleText = h("p", { class: "rule", "aria-live": "polite" });
    const showRule = (id) => (ruleText.textContent = pick(presets.find((p) => p.id === id)?.rule_text));
    const form = h(
      "form",
      {
        class: "inline-form poll-form",
        "aria-label": `${t().preparePoll}: ${pick(resolution.title)}`,
        onsubmit: async (event) => {
          event.preventDefault();
          clearProblem(form);
          const data = new FormData(form);
          try {
            await resolutionApi(`/meetings/${meetingId}/polls`, {
              method: "POST",
              body: {
                motion: "resolution",
                resolution_id: resolution.id,
                question: { vi: data.get("question_vi").trim(), en: data.get("question_en").trim() },
                preset: data.get("preset"),
                secret: data.get("secret") === "on",
              },
            });
            announce(t().pollPrepared);
            await renderResolutions(view, context);
          } catch (error) {
            showProblem(form, error);
          }
        },
      },
      h("h4", {}, t().preparePoll),
      field(t().question, { name: "question_vi", lang: "vi", value: resolution.title.vi ? `Biểu quyết thông qua ${resolution.title.vi}` : "" }),
      field(t().questionEn, { name: "question_en", lang: "en", value: resolution.title.en ? `Adopt ${resolution.title.en}` : "" }),
      field(t().preset, { name: "preset", onchange: (e) => showRule(e.target.value) }, { tag: "select", options: presets.map((p) => [p.id, pick(p.name)]) }),
      ruleText,
      h("p", { class: "field inline" }, h("input", { type: "checkbox", id: `secret-${resolution.id}`, name: "secret" }), h("label", { for: `secret-${resolution.id}` }, t().secret)),
      h("p", { class: "actions" }, h("button", { type: "submit", class: "primary" }, t().preparePoll)),
    );
    showRule(presets[0]?.id);
    return form;
  }

  const list = resolutions.map((r) => {
    const own = polls.filter((p) => p.resolution_id === r.id);
    return h(
      "section",
      { class: "card", "data-resolution": r.id, "aria-labelledby": `res-${r.id}` },
      h("h3", { id: `res-${r.id}` }, pick(r.title), " ", h("span", { class: `badge ${r.status}` }, t().resolutionStatus[r.status] || r.status)),
      h("p", { class: "resolution-text" }, pick(r.text)),
      amendmentsSection(amendments[r.id], { onDecided: redraw }),
      h("h4", {}, t().directives),
      r.directives.length
        ? h(
            "ol",
            { class: "directives" },
            r.directives.map((d) => h("li", {}, h("strong", {}, pick(d.title)), h("br"), h("small", { class: "muted" }, [d.department_ids.map(name).join(", "), d.due_date ? `${t().dueDate}: ${dateText(d.due_date)}` : null, d.priority === "normal" ? null : `${t().priority}: ${t().priorities[d.priority]}`].filter(Boolean).join(" · ")))),
          )
        : h("p", { class: "muted" }, t().noDirectives),
      own.length
        ? h("ul", { class: "polls" }, own.map((p) => h("li", {}, pick(p.question), " ", h("span", { class: `badge ${p.status}` }, t().pollStatus[p.status]), h("br"), h("small", { class: "muted" }, pick(p.rule_text)))))
        : r.status === "draft"
          ? pollForm(r)
          : null,
    );
  });

  let directiveCount = 0;
  const directiveList = h("div", { class: "directive-list" });
  function addDirective() {
    directiveCount += 1;
    const n = directiveCount;
    const set = h(
      "fieldset",
      { class: "directive-fields", "data-directive": n },
      h("legend", {}, t().directive(n)),
      field(t().titleVi, { name: `d${n}_title_vi`, lang: "vi" }),
      field(t().titleEn, { name: `d${n}_title_en`, lang: "en" }),
      field(t().directiveDetails, { name: `d${n}_description`, rows: 2 }, { tag: "textarea" }),
      field(t().owner, { name: `d${n}_owner`, multiple: true, size: 6, value: "" }, { tag: "select", options: owners }),
      field(t().dueDate, { name: `d${n}_due`, type: "date" }),
      field(t().priority, { name: `d${n}_priority`, value: "normal" }, { tag: "select", options: Object.entries(t().priorities) }),
      h("button", { type: "button", class: "secondary", "aria-label": `${t().remove}: ${t().directive(n)}`, onclick: () => set.remove() }, t().remove),
    );
    directiveList.append(set);
    return set;
  }

  const form = h(
    "form",
    {
      class: "card",
      "aria-labelledby": "new-resolution",
      onsubmit: async (event) => {
        event.preventDefault();
        clearProblem(form);
        const data = new FormData(form);
        const directives = [...directiveList.querySelectorAll("fieldset")].map((set) => {
          const n = set.dataset.directive;
          return {
            title: { vi: data.get(`d${n}_title_vi`).trim(), en: data.get(`d${n}_title_en`).trim() },
            description: data.get(`d${n}_description`).trim(),
            department_ids: data.getAll(`d${n}_owner`),
            due_date: data.get(`d${n}_due`) || null,
            priority: data.get(`d${n}_priority`),
          };
        });
        try {
          await resolutionApi(`/meetings/${meetingId}/resolutions`, {
            method: "POST",
            body: {
              title: { vi: data.get("title_vi").trim(), en: data.get("title_en").trim() },
              text: { vi: data.get("text_vi"), en: data.get("text_en") },
              directives,
            },
          });
          announce(t().drafted);
          await renderResolutions(view, context);
        } catch (error) {
          showProblem(form, error);
        }
      },
    },
    h("h2", { id: "new-resolution" }, t().newResolution),
    field(t().titleVi, { name: "title_vi", lang: "vi" }),
    field(t().titleEn, { name: "title_en", lang: "en" }),
    field(t().textVi, { name: "text_vi", lang: "vi", rows: 6 }, { tag: "textarea" }),
    field(t().textEn, { name: "text_en", lang: "en", rows: 6 }, { tag: "textarea" }),
    h("h3", {}, t().directives),
    directiveList,
    h("p", {}, h("button", { type: "button", class: "secondary", onclick: () => addDirective().querySelector("input").focus() }, t().addDirective)),
    h("button", { type: "submit", class: "primary" }, t().draftResolution),
  );

  view.replaceChildren(
    h("h1", {}, pick(meeting.title)),
    tabs(meetingId, "resolutions", navigate),
    h("h2", {}, t().resolutions),
    ...(list.length ? list : [h("p", { class: "muted" }, t().noResolutions)]),
    form,
  );
}
