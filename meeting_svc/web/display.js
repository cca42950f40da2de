// The room's screen opened with a display link (`/display#<code>`): no personal session and no vote,
// only what GET /api/v1/display answers for the code. It shows what the chair chose (the current item,
// or the speaker with the countdown and the next three), full width and large enough for the back of
// the hall, reading the room again every two seconds; countdowns tick from the server's times.

import { h } from "./lib/dom.js";
import { pick } from "./lib/i18n.js";
import { state } from "./lib/state.js";
import { resultDetails, turnoutWords } from "./participant/results.js";
import { roomScreen, tick } from "./participant/room.js";

const codeKey = "hoinghi.display";
const root = document.getElementById("app");
const WORDS = {
  vi: {
    present: (n) => `Có mặt: ${n} đại biểu`,
    noCode: "Liên kết màn hình trình chiếu không hợp lệ hoặc đã bị thu hồi.",
    noVote: "Chưa có nội dung biểu quyết.",
    open: "Đang biểu quyết",
    closed: "Kết quả biểu quyết",
    offline: "Mất kết nối, đang thử lại…",
  },
  en: {
    present: (n) => `Present: ${n}`,
    noCode: "This projector link is not valid or was revoked.",
    noVote: "Nothing has been put to the vote yet.",
    open: "Voting",
    closed: "Result of the vote",
    offline: "Connection lost, retrying…",
  },
};

function code() {
  const fromLink = location.hash.slice(1);
  if (fromLink) {
    sessionStorage.setItem(codeKey, fromLink);
    history.replaceState(null, "", location.pathname); // the code leaves the address bar and history
  }
  return sessionStorage.getItem(codeKey);
}

function draw(screen, offline) {
  const words = WORDS[state.lang];
  const room = screen.room;
  const parts = [
    h("header", {}, h("h1", {}, pick(screen.title)), h("p", { class: "attendance" }, words.present(screen.present_count))),
  ];
  if (offline) parts.push(h("p", { class: "error", role: "status" }, words.offline));
  if (room.projector_mode === "vote") parts.push(drawVote(screen.vote, words));
  else parts.push(...roomScreen(room));
  root.replaceChildren(h("section", { class: "display", "data-mode": room.projector_mode }, parts));
}

function drawVote(vote, words) {
  if (!vote) return h("p", { class: "screen-item muted" }, words.noVote);
  const parts = [
    h("p", { class: "screen-label" }, vote.status === "open" ? words.open : words.closed),
    h("p", { class: "screen-item" }, pick(vote.question)),
  ];
  if (vote.status === "open") {
    parts.push(h("p", { class: "turnout", "aria-live": "polite" }, turnoutWords(vote.voted_count ?? 0, vote.eligible_count ?? "…")));
  } else if (vote.result) parts.push(...resultDetails(vote.result));
  return h("div", { class: "screen-vote", "data-poll": vote.poll_id }, parts);
}

async function follow(displayCode) {
  let last = null;
  for (;;) {
    let offline = false;
    try {
      const response = await fetch("/api/v1/display", { headers: { Authorization: `Display ${displayCode}` } });
      if (response.status === 401) {
        sessionStorage.removeItem(codeKey);
        root.replaceChildren(h("p", { class: "error", role: "alert" }, `${WORDS.vi.noCode} ${WORDS.en.noCode}`));
        return;
      }
      if (response.ok) last = await response.json();
      else offline = true;
    } catch (error) {
      offline = true;
    }
    if (last) draw(last, offline);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

document.documentElement.lang = state.lang = localStorage.getItem("hoinghi.language") === "en" ? "en" : "vi";
document.body.classList.add("projector", "display-page");
const displayCode = code();
if (!displayCode) root.replaceChildren(h("p", { class: "error", role: "alert" }, `${WORDS.vi.noCode} ${WORDS.en.noCode}`));
else {
  setInterval(tick, 250);
  follow(displayCode);
}
