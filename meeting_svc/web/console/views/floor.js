// The floor, in the room page: the current agenda item (previous, next, jump), its list of speakers (who
// speaks, who waits, with kind and department; next speaker, pause, resume, end; close or reopen the list;
// the waiting ones reordered by dragging or from the keyboard, like the agenda, or taken off the list),
// and the projector (what the room's screen shows, and its display links, made and revoked here).

import { meetingApi } from "../../lib/api.js";
import { h } from "../../lib/dom.js";
import { state } from "../../lib/state.js";
import { pick, t } from "../i18n.js";
import { announce, field, moved, showProblem } from "../ui.js";

const ACTIONS = { speaking: ["pause", "end"], paused: ["resume", "end"] };

export async function floorSection(meetingId) {
  const departments = new Map((await meetingApi("/departments")).items.map((d) => [d.id, d]));
  let room = null;
  let displays = [];
  let madeUrl = null;
  const agenda = h("section", { class: "card", "aria-labelledby": "current-item" });
  const speakers = h("section", { class: "card", "aria-labelledby": "speakers" });
  const projector = h("section", { class: "card", "aria-labelledby": "projector" });
  const ONE = `/meetings/${meetingId}`;
  // kept across redraws, so a live update does not wipe what the chair is typing or has chosen
  const label = field(t().displayLabel, { name: "label", maxlength: 200 });
  let jumpChoice = null;
  const current = () => room.items.find((i) => i.id === room.current_item_id);
  const departmentName = (id) => {
    const d = departments.get(id);
    return d ? (d.code ? `${d.code} · ${pick(d.name)}` : pick(d.name)) : "";
  };

  // One press: the call, the room as it answers (or as read again), the message, the focus kept.
  async function act(section, call, message, refocus) {
    try {
      const answer = await call();
      if (answer && answer.items) {
        asked += 1; // a reload still under way read the room before this answer
        room = answer;
      } else await load();
      draw();
      announce(message());
      section.querySelector(refocus)?.focus();
    } catch (error) {
      showProblem(section, error);
    }
  }

  const move = (body) =>
    act(agenda, () => meetingApi(`${ONE}/room/item`, { method: "POST", body }), () => `${t().currentItem}: ${current() ? pick(current().title) : t().noCurrentItem}`, "h2");
  const listCall = (path, options = { method: "POST" }) => async () => {
    await meetingApi(`${ONE}/agenda/${room.current_item_id}/${path}`, options);
  };

  function drawAgenda() {
    const item = current();
    const index = item ? room.items.indexOf(item) : -1;
    // the item chosen to jump to outlives a redraw caused by the live stream
    if (!room.items.some((i) => i.id === jumpChoice)) jumpChoice = room.current_item_id || room.items[0]?.id;
    const options = room.items.map((i) => [i.id, `${i.position}. ${pick(i.title)}`]);
    const jump = field(t().jumpTo, { name: "item_id", value: jumpChoice, onchange: (e) => (jumpChoice = e.target.value) }, { tag: "select", options });
    // replaceChildren would write a null as the text "null": the optional parts are left out instead
    agenda.replaceChildren(
      h("h2", { id: "current-item", tabindex: "-1" }, t().currentItem),
      h("p", { class: "current-title", "aria-live": "polite" }, item ? `${item.position}. ${pick(item.title)}` : t().noCurrentItem),
      ...(item?.presenter ? [h("p", { class: "muted" }, `${t().presenter}: ${item.presenter}`)] : []),
      h(
        "p",
        { class: "actions" },
        h("button", { type: "button", class: "secondary", disabled: index <= 0, onclick: () => move({ move: "previous" }) }, t().previousItem),
        h("button", { type: "button", class: "primary", disabled: index >= room.items.length - 1, onclick: () => move({ move: "next" }) }, t().nextItem),
      ),
      h(
        "form",
        { class: "inline-form", onsubmit: (e) => (e.preventDefault(), move({ move: "jump", item_id: jump.querySelector("select").value })) },
        jump,
        h("button", { type: "submit", class: "secondary" }, t().jump),
      ),
    );
  }

  // A waiting speaker's place in the queue: one PUT of the whole waiting order (the API checks it is one).
  const reorder = (waiting, from, to) => {
    if (to < 0 || to >= waiting.length || from === to) return;
    const who = waiting[from];
    act(
      speakers,
      listCall("speakers/order", { method: "PUT", body: { speaker_ids: moved(waiting.map((s) => s.id), from, to) } }),
      () => t().speakerMoved(who.name, to + 1),
      `[data-speaker="${who.id}"]`,
    );
  };
  let dragging = null;

  function speakerEntry(s, waiting) {
    const place = waiting.indexOf(s);
    const queued = place >= 0;
    const button = (focus, attrs, text) => h("button", { type: "button", "data-focus": `${s.id}/${focus}`, ...attrs }, text);
    return h(
      "li",
      {
        "data-speaker": s.id,
        class: s.status,
        ...(queued
          ? {
              tabindex: 0,
              draggable: "true",
              "data-focus": s.id,
              "aria-label": `${t().speakerStatus.waiting} ${place + 1}: ${s.name}`,
              "aria-describedby": "speaker-order-help",
              onkeydown: (event) => {
                if (event.target !== event.currentTarget || !event.altKey || !["ArrowUp", "ArrowDown"].includes(event.key)) return;
                event.preventDefault();
                reorder(waiting, place, place + (event.key === "ArrowUp" ? -1 : 1));
              },
              ondragstart: (event) => {
                dragging = place;
                event.dataTransfer.effectAllowed = "move";
                event.dataTransfer.setData("text/plain", s.id);
              },
              ondragover: (event) => event.preventDefault(),
              ondrop: (event) => {
                event.preventDefault();
                if (dragging !== null) reorder(waiting, dragging, place);
                dragging = null;
              },
            }
          : {}),
      },
      queued ? h("span", { class: "grip", "aria-hidden": "true" }, "⋮⋮ ") : null,
      h("strong", {}, s.name),
      " ",
      h("span", { class: `badge ${s.status}` }, t().speakerStatus[s.status]),
      h("br"),
      h("small", { class: "muted" }, [t().speakerKind[s.kind], departmentName(s.department_id)].filter(Boolean).join(" · ")),
      ACTIONS[s.status]
        ? h(
            "span",
            { class: "actions" },
            ACTIONS[s.status].map((action) =>
              button(
                action,
                {
                  class: action === "end" ? "danger" : "secondary",
                  "aria-label": `${t().speakerAction[action]}: ${s.name}`,
                  onclick: () => act(speakers, listCall(`speakers/${s.id}/${action}`), () => `${s.name}: ${t().speakerAction[action]}`, "h2"),
                },
                t().speakerAction[action],
              ),
            ),
          )
        : null,
      queued
        ? h(
            "span",
            { class: "row-actions" },
            button("up", { class: "secondary", disabled: place === 0, "aria-label": `${t().moveUp}: ${s.name}`, onclick: () => reorder(waiting, place, place - 1) }, "↑"),
            button("down", { class: "secondary", disabled: place === waiting.length - 1, "aria-label": `${t().moveDown}: ${s.name}`, onclick: () => reorder(waiting, place, place + 1) }, "↓"),
            button(
              "withdraw",
              {
                class: "secondary",
                "aria-label": `${t().withdrawSpeaker}: ${s.name}`,
                onclick: () =>
                  act(speakers, listCall(`speakers/${s.id}`, { method: "DELETE" }), () => t().speakerWithdrawn(s.name), waiting.length > 1 ? "[data-speaker][tabindex]" : "h2"),
              },
              t().withdrawSpeaker,
            ),
          )
        : null,
    );
  }

  // What the list shows; a reload that changes none of it leaves the list alone (a redraw would cancel a
  // drag under way and move the focus).
  let shown = null;

  function drawSpeakers() {
    const list = room.speakers;
    if (!list) {
      shown = null;
      return speakers.replaceChildren(h("h2", { id: "speakers" }, t().speakers), h("p", { class: "muted" }, t().noCurrentItem));
    }
    const present = list.speakers.filter((s) => ["speaking", "paused", "waiting"].includes(s.status));
    const waiting = present.filter((s) => s.status === "waiting");
    const showing = JSON.stringify([state.lang, list.closed, present.map((s) => [s.id, s.status, s.kind, s.name, s.department_id])]);
    if (showing === shown) return;
    shown = showing;
    // a live redraw puts the focus back where it was (the same speaker's same control), not on the page
    const focused = speakers.contains(document.activeElement) ? document.activeElement.getAttribute("data-focus") : null;
    speakers.replaceChildren(
      h("h2", { id: "speakers", tabindex: "-1" }, t().speakers, " ", list.closed ? h("span", { class: "badge closed" }, t().listClosed) : null),
      ...(waiting.length ? [h("p", { id: "speaker-order-help", class: "muted" }, t().speakerOrderHelp)] : []),
      present.length
        ? h("ol", { class: "speakers", "aria-live": "polite" }, present.map((s) => speakerEntry(s, waiting)))
        : h("p", { class: "muted" }, t().noSpeakers),
      h(
        "p",
        { class: "actions" },
        h(
          "button",
          {
            type: "button",
            class: "primary",
            disabled: !waiting.length,
            onclick: () => act(speakers, listCall("speakers:next"), () => `${t().floorTo}: ${room.speakers.speakers.find((s) => s.status === "speaking")?.name || ""}`, "h2"),
          },
          t().nextSpeaker,
        ),
        h(
          "button",
          {
            type: "button",
            class: "secondary",
            onclick: () =>
              act(speakers, listCall("speaker-list", { method: "PATCH", body: { closed: !list.closed } }), () => (list.closed ? t().listReopened : t().listClosed), "h2"),
          },
          list.closed ? t().reopenList : t().closeList,
        ),
      ),
    );
    if (focused) {
      const again = speakers.querySelector(`[data-focus="${CSS.escape(focused)}"]:not(:disabled)`);
      (again || speakers.querySelector(`[data-focus="${CSS.escape(focused.split("/")[0])}"]`))?.focus();
    }
  }

  function drawProjector() {
    const choose = (mode) =>
      act(projector, () => meetingApi(`${ONE}/room/projector`, { method: "PUT", body: { mode } }), () => `${t().projectorShows}: ${t().projectorMode[mode]}`, `input[value="${mode}"]`);
    projector.replaceChildren(
      h("h2", { id: "projector", tabindex: "-1" }, t().projector),
      h(
        "fieldset",
        { class: "choices" },
        h("legend", {}, t().projectorShows),
        Object.entries(t().projectorMode).map(([mode, text]) =>
          h(
            "p",
            { class: "field inline" },
            h("input", { type: "radio", id: `projector-${mode}`, name: "projector", value: mode, checked: room.projector_mode === mode, onchange: () => choose(mode) }),
            h("label", { for: `projector-${mode}` }, text),
          ),
        ),
      ),
      h("h3", {}, t().displays),
      ...(madeUrl ? [h("p", { class: "made-display" }, t().displayOnce, " ", h("code", { class: "display-url", tabindex: "-1" }, madeUrl))] : []),
      displays.filter((d) => !d.revoked_at).length
        ? h(
            "ul",
            { class: "displays" },
            displays
              .filter((d) => !d.revoked_at)
              .map((d) =>
                h(
                  "li",
                  {},
                  d.label || t().unnamedDisplay,
                  " ",
                  h(
                    "button",
                    {
                      type: "button",
                      class: "secondary",
                      "aria-label": `${t().revokeDisplay}: ${d.label || t().unnamedDisplay}`,
                      onclick: () =>
                        act(projector, async () => {
                          await meetingApi(`${ONE}/displays/${d.id}`, { method: "DELETE" });
                          madeUrl = null;
                        }, () => t().displayRevoked, "h2"),
                    },
                    t().revokeDisplay,
                  ),
                ),
              ),
          )
        : h("p", { class: "muted" }, t().noDisplays),
      h(
        "form",
        {
          class: "inline-form",
          onsubmit: (event) => {
            event.preventDefault();
            const text = label.querySelector("input").value.trim();
            act(projector, async () => {
              madeUrl = (await meetingApi(`${ONE}/displays`, { method: "POST", body: { label: text } })).url;
              label.querySelector("input").value = "";
            }, () => t().displayMade, ".display-url");
          },
        },
        label,
        h("button", { type: "submit", class: "secondary" }, t().makeDisplay),
      ),
    );
  }

  function draw() {
    drawAgenda();
    drawSpeakers();
    drawProjector();
  }

  // Reloads overlap (a press and the event it causes): only the latest one asked is drawn, so an answer
  // read before a change never overwrites one read after it. False when a later one is under way.
  let asked = 0;
  async function load() {
    const mine = ++asked;
    const [answer, { items }] = await Promise.all([meetingApi(`${ONE}/room`), meetingApi(`${ONE}/displays`)]);
    if (mine !== asked) return false;
    [room, displays] = [answer, items];
    return true;
  }

  async function reload() {
    if (await load()) draw();
  }

  await reload();
  return { sections: [agenda, speakers, projector], reload };
}
