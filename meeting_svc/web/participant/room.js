// Running the room on the participant's page: the current agenda item, the list of speakers with its
// countdown, asking to speak (from a phone) and withdrawing; for the chair and the secretary the
// controls that move through the agenda, give the floor, reorder, close the list and choose what the
// projector shows. Timers count from the server's times, corrected for this device's clock offset.

import { meetingApi, messageOf } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { pick } from "../lib/i18n.js";
import { render } from "../lib/render.js";
import { STAFF } from "../lib/roles.js";
import { meetingId, state } from "../lib/state.js";

export const ROOM_TEXT = {
  vi: {
    room: "Diễn biến phiên họp",
    currentItem: "Đang thảo luận",
    noItem: "Chưa bắt đầu mục nào của chương trình.",
    slotLeft: "Thời gian còn lại của mục",
    speaking: "Đang phát biểu",
    paused: "Tạm dừng",
    nobody: "Chưa có ai phát biểu.",
    queue: "Danh sách đăng ký phát biểu",
    emptyQueue: "Chưa có ai đăng ký.",
    nextUp: "Tiếp theo",
    kind: "Hình thức",
    kinds: {
      contribution: "Phát biểu",
      pro: "Ủng hộ",
      contra: "Phản đối",
      point_of_order: "Kiến nghị thủ tục",
      reply: "Trả lời người đang phát biểu",
    },
    ask: "Đăng ký phát biểu",
    withdraw: "Rút đăng ký",
    yourPlace: (n) => `Quý vị đang ở vị trí ${n} trong danh sách.`,
    closedList: "Danh sách phát biểu đã đóng.",
    previousItem: "Mục trước",
    nextItem: "Mục tiếp theo",
    endItem: "Kết thúc mục",
    nextSpeaker: "Mời người tiếp theo",
    pause: "Tạm dừng",
    resume: "Tiếp tục",
    end: "Kết thúc phát biểu",
    up: "Lên",
    down: "Xuống",
    remove: "Bỏ khỏi danh sách",
    closeList: "Đóng danh sách",
    reopenList: "Mở lại danh sách",
    add: "Thêm người phát biểu",
    addWho: "Đại biểu",
    projectorShows: "Màn hình trình chiếu hiển thị",
    modes: { item: "Mục đang thảo luận", speakers: "Người phát biểu", vote: "Biểu quyết" },
    displayLink: "Tạo liên kết màn hình trình chiếu",
    displayMade: "Mở liên kết này trên máy tính nối với máy chiếu (chỉ xem, không có quyền biểu quyết):",
    roomControls: "Điều hành phiên họp",
    over: "quá giờ",
  },
  en: {
    room: "In the room",
    currentItem: "Now",
    noItem: "No agenda item has started yet.",
    slotLeft: "Time left for the item",
    speaking: "Speaking",
    paused: "Paused",
    nobody: "Nobody is speaking.",
    queue: "List of speakers",
    emptyQueue: "Nobody has asked to speak.",
    nextUp: "Next",
    kind: "As",
    kinds: {
      contribution: "Contribution",
      pro: "In favour",
      contra: "Against",
      point_of_order: "Point of order",
      reply: "Reply to the speaker",
    },
    ask: "Ask to speak",
    withdraw: "Withdraw",
    yourPlace: (n) => `You are number ${n} on the list.`,
    closedList: "The list of speakers is closed.",
    previousItem: "Previous item",
    nextItem: "Next item",
    endItem: "End the item",
    nextSpeaker: "Next speaker",
    pause: "Pause",
    resume: "Resume",
    end: "End the speech",
    up: "Up",
    down: "Down",
    remove: "Take off the list",
    closeList: "Close the list",
    reopenList: "Reopen the list",
    add: "Add a speaker",
    addWho: "Participant",
    projectorShows: "The projector shows",
    modes: { item: "The current item", speakers: "The speakers", vote: "The vote" },
    displayLink: "Make a projector link",
    displayMade: "Open this link on the computer driving the projector (read-only, it cannot vote):",
    roomControls: "Running the room",
    over: "over time",
  },
};

const rt = () => ROOM_TEXT[state.lang];
const runsRoom = () => STAFF.has(state.me.role);
let chosenKind = "contribution";
let addWho = "";

// The server's clock minus this device's, measured when the room was read.
export function clockOffset(serverTime) {
  return new Date(serverTime).getTime() - Date.now();
}

// The room as GET …/room answers it (the first screen carries the same answer).
export function takeRoom(room) {
  state.room = room;
  state.roomOffset = clockOffset(room.server_time);
}

export async function loadRoom() {
  takeRoom(await meetingApi(`/meetings/${meetingId}/room`));
  await loadRoster();
}

// The participants, for the chair's and the secretary's "add a speaker".
export async function loadRoster() {
  if (runsRoom() && !state.roster) {
    const people = await meetingApi(`/meetings/${meetingId}/participants`);
    state.roster = people.items;
  }
}

// "m:ss", with a minus sign once over time.
export function clock(seconds) {
  const sign = seconds < 0 ? "−" : "";
  const whole = Math.floor(Math.abs(seconds));
  return `${sign}${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

// A countdown element: it ticks on its own (see tick()), without redrawing the page.
export function countdown(endsAtServer, offset, pausedRemaining, label) {
  const attrs = { class: "countdown", role: "timer", "aria-label": label };
  if (pausedRemaining !== null && pausedRemaining !== undefined) {
    return h("span", { ...attrs, class: "countdown paused" }, clock(pausedRemaining));
  }
  const endsLocal = new Date(endsAtServer).getTime() - offset;
  return h("span", { ...attrs, "data-ends": String(endsLocal) }, clock((endsLocal - Date.now()) / 1000));
}

export function tick() {
  for (const element of document.querySelectorAll(".countdown[data-ends]")) {
    const left = (Number(element.dataset.ends) - Date.now()) / 1000;
    element.textContent = clock(left);
    element.classList.toggle("over", left < 0);
  }
}

// The speaker's countdown: the end follows from the remaining time the server computed at server_time.
export function speakerCountdown(speaker, serverTime, offset, label) {
  if (speaker.remaining_seconds === null) return null;
  if (speaker.status === "paused") return countdown(null, offset, speaker.remaining_seconds, label);
  const ends = new Date(new Date(serverTime).getTime() + speaker.remaining_seconds * 1000).toISOString();
  return countdown(ends, offset, null, label);
}

async function act(path, options) {
  state.messages.room = null;
  try {
    await meetingApi(path, options);
    await loadRoom();
  } catch (error) {
    state.messages.room = messageOf(error);
  }
  render();
}

const speakersPath = () => `/meetings/${meetingId}/agenda/${state.room.current_item_id}/speakers`;

export function renderRoom() {
  const room = state.room;
  if (!room) return null;
  const text = rt();
  const item = room.items.find((i) => i.id === room.current_item_id);
  const list = room.speakers;
  const current = list ? list.speakers.find((s) => s.status === "speaking" || s.status === "paused") : null;
  const waiting = list ? list.speakers.filter((s) => s.status === "waiting") : [];
  return h(
    "section",
    { class: "card room", "aria-labelledby": "room-title" },
    h("h2", { id: "room-title" }, text.room),
    item
      ? h(
          "div",
          { class: "current-item" },
          h("p", { class: "muted" }, text.currentItem),
          h("p", { class: "item-title" }, pick(item.title)),
          item.slot_ends_at
            ? h("p", {}, `${text.slotLeft}: `, countdown(item.slot_ends_at, state.roomOffset, null, text.slotLeft))
            : null,
        )
      : h("p", { class: "muted" }, text.noItem),
    item ? renderSpeaking(current, text) : null,
    item ? renderQueue(waiting, text) : null,
    item && list ? renderAsk(list, waiting, text) : null,
    runsRoom() ? renderRoomControls(room, list, current, waiting, text) : null,
    state.messages.room ? h("p", { class: "error", role: "alert" }, state.messages.room) : null,
  );
}

function renderSpeaking(current, text) {
  if (!current) return h("p", { class: "muted speaking" }, text.nobody);
  return h(
    "div",
    { class: "speaking", "aria-live": "polite" },
    h("p", { class: "muted" }, current.status === "paused" ? text.paused : text.speaking),
    h(
      "p",
      { class: "speaker-now" },
      h("strong", {}, current.name),
      ` · ${text.kinds[current.kind]} `,
      speakerCountdown(current, state.room.server_time, state.roomOffset, text.speaking),
    ),
  );
}

function renderQueue(waiting, text) {
  const staff = runsRoom();
  return h(
    "div",
    { class: "queue" },
    h("h3", {}, text.queue),
    waiting.length
      ? h(
          "ol",
          { class: "speakers" },
          waiting.map((s, index) =>
            h(
              "li",
              { "data-speaker": s.id, class: s.participant_id === state.me.id ? "mine" : null },
              h("span", {}, s.name, h("small", { class: `kind ${s.kind}` }, ` ${text.kinds[s.kind]}`)),
              staff ? renderEntryControls(s, index, waiting, text) : null,
            ),
          ),
        )
      : h("p", { class: "muted" }, text.emptyQueue),
  );
}

function renderEntryControls(speaker, index, waiting, text) {
  const order = waiting.map((s) => s.id);
  const swap = (a, b) => {
    [order[a], order[b]] = [order[b], order[a]];
    act(`${speakersPath()}/order`, { method: "PUT", body: { speaker_ids: order } });
  };
  return h(
    "span",
    { class: "entry-controls" },
    index > 0
      ? h("button", { type: "button", class: "secondary small", "data-focus": `${speaker.id}/up`, "aria-label": `${text.up}: ${speaker.name}`, onclick: () => swap(index, index - 1) }, "↑")
      : null,
    index < waiting.length - 1
      ? h("button", { type: "button", class: "secondary small", "data-focus": `${speaker.id}/down`, "aria-label": `${text.down}: ${speaker.name}`, onclick: () => swap(index, index + 1) }, "↓")
      : null,
    h(
      "button",
      { type: "button", class: "secondary small", "data-focus": `${speaker.id}/remove`, "aria-label": `${text.remove}: ${speaker.name}`, onclick: () => act(`${speakersPath()}/${speaker.id}`, { method: "DELETE" }) },
      "✕",
    ),
  );
}

function renderAsk(list, waiting, text) {
  if (state.me.role === "observer") return null;
  const mine = waiting.findIndex((s) => s.participant_id === state.me.id);
  if (mine >= 0) {
    return h(
      "div",
      { class: "ask" },
      h("p", { "aria-live": "polite" }, text.yourPlace(mine + 1)),
      h(
        "button",
        { type: "button", class: "secondary", id: "withdraw", "data-focus": "withdraw", onclick: () => act(`${speakersPath()}/${waiting[mine].id}`, { method: "DELETE" }) },
        text.withdraw,
      ),
    );
  }
  if (list.closed && !runsRoom()) return h("p", { class: "muted" }, text.closedList);
  const select = h(
    "select",
    { id: "speak-kind", "data-focus": "speak-kind", onchange: (event) => (chosenKind = event.target.value) },
    Object.entries(text.kinds).map(([value, label]) => h("option", { value, selected: value === chosenKind }, label)),
  );
  return h(
    "form",
    {
      class: "ask",
      onsubmit: (event) => {
        event.preventDefault();
        act(speakersPath(), { method: "POST", body: { kind: chosenKind } });
      },
    },
    h("label", { for: "speak-kind" }, text.kind),
    select,
    h("button", { type: "submit", id: "ask", "data-focus": "ask" }, text.ask),
  );
}

function renderRoomControls(room, list, current, waiting, text) {
  const move = (how) => act(`/meetings/${meetingId}/room/item`, { method: "POST", body: { move: how } });
  const running = room.status === "in_progress";
  const button = (key, label, onclick, enabled = true) =>
    h("button", { type: "button", class: "secondary", "data-focus": key, id: key, disabled: !enabled, onclick }, label);
  const speakerAction = (action) => act(`${speakersPath()}/${current.id}/${action}`, { method: "POST" });
  const parts = [
    h("h3", {}, text.roomControls),
    h(
      "p",
      { class: "actions" },
      button("item-previous", text.previousItem, () => move("previous"), running && !!room.current_item_id),
      button("item-next", text.nextItem, () => move("next"), running),
      button("item-end", text.endItem, () => move("end"), running && !!room.current_item_id),
    ),
  ];
  if (list) {
    parts.push(
      h(
        "p",
        { class: "actions" },
        button("speaker-next", text.nextSpeaker, () => act(`${speakersPath()}:next`, { method: "POST" }), running && (!!current || waiting.length > 0)),
        current && current.status === "speaking" ? button("speaker-pause", text.pause, () => speakerAction("pause")) : null,
        current && current.status === "paused" ? button("speaker-resume", text.resume, () => speakerAction("resume")) : null,
        current ? button("speaker-end", text.end, () => speakerAction("end")) : null,
        button(
          "list-close",
          list.closed ? text.reopenList : text.closeList,
          () => act(`/meetings/${meetingId}/agenda/${room.current_item_id}/speaker-list`, { method: "PATCH", body: { closed: !list.closed } }),
        ),
      ),
      renderAdd(text),
    );
  }
  parts.push(
    h(
      "p",
      {},
      h("label", { for: "projector-mode" }, `${text.projectorShows} `),
      h(
        "select",
        {
          id: "projector-mode",
          "data-focus": "projector-mode",
          onchange: (event) => act(`/meetings/${meetingId}/room/projector`, { method: "PUT", body: { mode: event.target.value } }),
        },
        Object.entries(text.modes).map(([value, label]) => h("option", { value, selected: value === room.projector_mode }, label)),
      ),
    ),
    h(
      "p",
      {},
      button("display-link", text.displayLink, async () => {
        try {
          const link = await meetingApi(`/meetings/${meetingId}/displays`, { method: "POST", body: {} });
          state.displayUrl = link.url;
        } catch (error) {
          state.messages.room = messageOf(error);
        }
        render();
      }),
    ),
    state.displayUrl ? h("p", { class: "display-url" }, text.displayMade, " ", h("a", { href: state.displayUrl, target: "_blank", rel: "noreferrer" }, state.displayUrl)) : null,
  );
  return h("div", { class: "chair-controls room-controls", role: "group", "aria-label": text.roomControls }, parts);
}

function renderAdd(text) {
  const people = (state.roster || []).filter((p) => p.role !== "observer");
  return h(
    "form",
    {
      class: "ask",
      onsubmit: (event) => {
        event.preventDefault();
        if (addWho) act(speakersPath(), { method: "POST", body: { participant_id: addWho, kind: "contribution" } });
      },
    },
    h("label", { for: "add-speaker" }, text.addWho),
    h(
      "select",
      { id: "add-speaker", "data-focus": "add-speaker", onchange: (event) => (addWho = event.target.value) },
      h("option", { value: "" }, "—"),
      people.map((p) => h("option", { value: p.id, selected: p.id === addWho }, p.name)),
    ),
    h("button", { type: "submit", class: "secondary", "data-focus": "add-submit" }, text.add),
  );
}

// The room's screen (projector): the current item with its time slot, or the speaker with the countdown
// and the next three, large. Used by the display page and by the chair's projector view.
export function roomScreen(room) {
  const text = ROOM_TEXT[state.lang];
  const offset = clockOffset(room.server_time);
  const item = room.items.find((i) => i.id === room.current_item_id);
  if (!item) return [h("p", { class: "screen-item" }, text.noItem)];
  if (room.projector_mode !== "speakers") {
    return [
      h("p", { class: "screen-label" }, text.currentItem),
      h("p", { class: "screen-item" }, pick(item.title)),
      item.slot_ends_at ? h("p", { class: "screen-slot" }, countdown(item.slot_ends_at, offset, null, text.slotLeft)) : null,
    ];
  }
  const list = room.speakers;
  const current = list ? list.speakers.find((s) => s.status === "speaking" || s.status === "paused") : null;
  const waiting = list ? list.speakers.filter((s) => s.status === "waiting") : [];
  return [
    h("p", { class: "screen-label" }, pick(item.title)),
    current
      ? h(
          "div",
          { class: "screen-speaker", "aria-live": "polite" },
          h("p", { class: "screen-name" }, current.name),
          h("p", { class: "screen-kind" }, text.kinds[current.kind], current.status === "paused" ? ` · ${text.paused}` : ""),
          speakerCountdown(current, room.server_time, offset, text.speaking),
        )
      : h("p", { class: "screen-name muted" }, text.nobody),
    h("h2", {}, text.nextUp),
    waiting.length
      ? h("ol", { class: "screen-next" }, waiting.slice(0, 3).map((s) => h("li", {}, s.name, h("small", {}, ` · ${text.kinds[s.kind]}`))))
      : h("p", { class: "muted" }, text.emptyQueue),
  ];
}
