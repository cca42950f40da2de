// The agenda editor: add items (kind, presenter, duration), edit and remove them, and reorder by dragging
// or from the keyboard (Alt+↑ / Alt+↓ on a focused item, or its move buttons). Every change is guarded by
// the agenda's version: a change made elsewhere meanwhile is refused (412), and what was typed stays.

import { meetingApi, resolutionApi } from "../../lib/api.js";
import { h } from "../../lib/dom.js";
import { pick, t } from "../i18n.js";
import { announce, clearProblem, field, moved, showProblem, tabs } from "../ui.js";

const KINDS = ["report", "contribution", "discussion", "vote", "other"];

export async function renderAgenda(view, { meetingId, navigate }) {
  const [first, { items: requests }, { items: resolutions }] = await Promise.all([
    meetingApi(`/meetings/${meetingId}`),
    meetingApi(`/meetings/${meetingId}/contribution-requests`),
    resolutionApi(`/meetings/${meetingId}/resolutions`),
  ]);
  let meeting = first;
  // What an item may take up: the position reports asked for it, or the resolution voted on in it (the
  // participant page finds the resolution to amend from the floor through its agenda item).
  const links = [
    ["contribution_request_id", t().linkedRequest, requests.map((r) => [r.id, pick(r.topic)])],
    ["resolution_id", t().linkedResolution, resolutions.map((r) => [r.id, pick(r.title)])],
  ].filter(([, , options]) => options.length);
  const linkedTitle = (item) => links.map(([key, , options]) => options.find(([id]) => id === item[key])?.[1]).filter(Boolean);
  const list = h("ol", { class: "agenda-editor", "aria-describedby": "reorder-help" });
  const problems = h("div");
  let dragging = null;
  // the edit forms open, by item: kept across redraws, so a refused save never loses what was typed
  const editing = new Map();

  async function reorder(from, to, focusId) {
    const items = meeting.agenda;
    if (to < 0 || to >= items.length || from === to) return;
    clearProblem(problems);
    try {
      await meetingApi(`/meetings/${meetingId}/agenda/order`, {
        method: "PUT",
        body: { item_ids: moved(items.map((i) => i.id), from, to) },
        ifMatch: `"${meeting.agenda_version}"`,
      });
      meeting = await meetingApi(`/meetings/${meetingId}`);
      draw();
      const item = meeting.agenda.find((i) => i.id === focusId);
      announce(t().moved(pick(item.title), item.position));
      list.querySelector(`[data-item="${focusId}"]`).focus();
    } catch (error) {
      showProblem(problems, error);
      meeting = await meetingApi(`/meetings/${meetingId}`);
      draw();
    }
  }

  async function remove(item) {
    clearProblem(problems);
    try {
      await meetingApi(`/meetings/${meetingId}/agenda/${item.id}`, { method: "DELETE", ifMatch: `"${meeting.agenda_version}"` });
    } catch (error) {
      // e.g. the agenda changed elsewhere (412): say so, and show the agenda as it now is
      showProblem(problems, error);
      meeting = await meetingApi(`/meetings/${meetingId}`);
      draw();
      return;
    }
    meeting = await meetingApi(`/meetings/${meetingId}`);
    announce(`${t().remove}: ${pick(item.title)}`);
    draw();
    list.querySelector("li")?.focus();
  }

  function itemFields(item) {
    return [
      field(t().titleVi, { name: "title_vi", lang: "vi", value: item?.title.vi || "" }),
      field(t().titleEn, { name: "title_en", lang: "en", value: item?.title.en || "" }),
      field(t().kind, { name: "kind", value: item?.kind }, { tag: "select", options: KINDS.map((k) => [k, t().kinds[k]]) }),
      field(t().presenter, { name: "presenter", value: item?.presenter || "" }),
      field(t().duration, { name: "planned_minutes", type: "number", min: 0, max: 1440, value: item?.planned_minutes ?? "" }),
      ...links.map(([key, label, options]) => field(label, { name: key, value: item?.[key] || "" }, { tag: "select", options: [["", "—"], ...options] })),
    ];
  }

  function itemBody(form) {
    const data = new FormData(form);
    const minutes = data.get("planned_minutes");
    return {
      title: { vi: data.get("title_vi").trim(), en: data.get("title_en").trim() },
      kind: data.get("kind"),
      presenter: data.get("presenter").trim() || null,
      planned_minutes: minutes ? Number(minutes) : null,
      ...Object.fromEntries(links.map(([key]) => [key, data.get(key) || null])),
    };
  }

  function editForm(item) {
    const name = `${t().edit}: ${pick(item.title)}`;
    const close = () => {
      editing.delete(item.id);
      draw();
      list.querySelector(`[data-item="${item.id}"]`)?.focus();
    };
    const form = h(
      "form",
      {
        class: "inline-form edit-item",
        "aria-label": name,
        onsubmit: async (event) => {
          event.preventDefault();
          clearProblem(form);
          try {
            await meetingApi(`/meetings/${meetingId}/agenda/${item.id}`, { method: "PATCH", ifMatch: `"${meeting.agenda_version}"`, body: itemBody(form) });
            meeting = await meetingApi(`/meetings/${meetingId}`);
            announce(t().saved);
            close();
          } catch (error) {
            // the agenda as it is now (its new version, for the next save); the form keeps what was typed,
            // unless the item itself is gone: then the problem is said above the list
            meeting = await meetingApi(`/meetings/${meetingId}`);
            if (!meeting.agenda.some((i) => i.id === item.id)) editing.delete(item.id);
            draw();
            if (!editing.has(item.id)) return showProblem(problems, error);
            showProblem(form, error);
            if (!form.contains(document.activeElement)) form.querySelector("input").focus();
          }
        },
        onkeydown: (event) => {
          if (event.key === "Escape") close();
        },
      },
      h("h3", {}, name),
      ...itemFields(item),
      h("p", { class: "actions" }, h("button", { type: "submit", class: "primary" }, t().save), h("button", { type: "button", class: "secondary", onclick: close }, t().cancel)),
    );
    return form;
  }

  function draw() {
    const items = meeting.agenda;
    list.replaceChildren(
      ...items.map((item, index) =>
        editing.has(item.id)
          ? h("li", { class: "editing", "data-item": item.id }, editing.get(item.id))
          : h(
          "li",
          {
            tabindex: 0,
            draggable: "true",
            "data-item": item.id,
            "aria-label": `${item.position}. ${pick(item.title)}`,
            onkeydown: (event) => {
              if (!event.altKey || !["ArrowUp", "ArrowDown"].includes(event.key)) return;
              event.preventDefault();
              reorder(index, index + (event.key === "ArrowUp" ? -1 : 1), item.id);
            },
            ondragstart: (event) => {
              dragging = index;
              event.dataTransfer.effectAllowed = "move";
              event.dataTransfer.setData("text/plain", item.id);
            },
            ondragover: (event) => event.preventDefault(),
            ondrop: (event) => {
              event.preventDefault();
              if (dragging !== null) reorder(dragging, index, items[dragging].id);
              dragging = null;
            },
          },
          h("span", { class: "grip", "aria-hidden": "true" }, "⋮⋮"),
          h(
            "span",
            { class: "item-text" },
            h("strong", {}, pick(item.title)),
            h("br"),
            h("small", { class: "muted" }, [t().kinds[item.kind], item.presenter, item.planned_minutes ? `${item.planned_minutes}′` : null, ...linkedTitle(item)].filter(Boolean).join(" · ")),
          ),
          h(
            "span",
            { class: "row-actions" },
            h("button", { type: "button", class: "secondary", disabled: index === 0, "aria-label": `${t().moveUp}: ${pick(item.title)}`, onclick: () => reorder(index, index - 1, item.id) }, "↑"),
            h("button", { type: "button", class: "secondary", disabled: index === items.length - 1, "aria-label": `${t().moveDown}: ${pick(item.title)}`, onclick: () => reorder(index, index + 1, item.id) }, "↓"),
            h(
              "button",
              {
                type: "button",
                class: "secondary",
                "aria-label": `${t().edit}: ${pick(item.title)}`,
                onclick: () => {
                  editing.set(item.id, editForm(item));
                  draw();
                  editing.get(item.id).querySelector("input").focus();
                },
              },
              t().edit,
            ),
            h("button", { type: "button", class: "secondary", "aria-label": `${t().remove}: ${pick(item.title)}`, onclick: () => remove(item) }, "✕"),
          ),
        ),
      ),
    );
  }

  const form = h(
    "form",
    {
      class: "card",
      "aria-labelledby": "add-item",
      onsubmit: async (event) => {
        event.preventDefault();
        clearProblem(form);
        try {
          await meetingApi(`/meetings/${meetingId}/agenda`, { method: "POST", ifMatch: `"${meeting.agenda_version}"`, body: itemBody(form) });
          meeting = await meetingApi(`/meetings/${meetingId}`);
          draw();
          form.reset();
          announce(t().added);
          form.querySelector("input").focus();
        } catch (error) {
          showProblem(form, error);
        }
      },
    },
    h("h2", { id: "add-item" }, t().addItem),
    ...itemFields(null),
    h("button", { type: "submit", class: "primary" }, t().addItem),
  );

  draw();
  view.replaceChildren(
    h("h1", {}, pick(meeting.title)),
    tabs(meetingId, "agenda", navigate),
    h("section", { class: "card", "aria-labelledby": "agenda" }, h("h2", { id: "agenda" }, t().agenda), h("p", { id: "reorder-help", class: "muted" }, t().reorderHelp), problems, list),
    form,
  );
}
