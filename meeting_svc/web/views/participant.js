// The participant's page: the meeting, the participant and their attendance, the polls, the agenda.

import { meetingApi, messageOf } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { when } from "../lib/format.js";
import { pick, t } from "../lib/i18n.js";
import { live, render, showRegions } from "../lib/render.js";
import { meetingId, STAFF, state } from "../lib/state.js";
import { renderPolls } from "./polls.js";
import { renderRoom } from "./room.js";
import { renderMotions } from "./motions.js";

export async function loadMeeting() {
  state.meeting = await meetingApi(`/meetings/${meetingId}`);
}

export async function loadMe() {
  state.me = await meetingApi(`/meetings/${meetingId}/participants/${state.me.id}`);
}

export function renderParticipant() {
  const meeting = state.meeting;
  showRegions();
  document.documentElement.lang = state.lang;
  document.title = pick(meeting.title);
  const venue = meeting.venue ? [meeting.venue.name, meeting.venue.address].filter(Boolean).join(", ") : "";
  live.replaceChildren(
    h(
      "header",
      {},
      h("p", { class: "status", "data-status": meeting.status }, t().status[meeting.status] || meeting.status),
      h(
        "span",
        { class: state.live ? "live on" : "live", title: state.live ? t().live : t().offline },
        state.live ? t().live : t().offline,
      ),
      h("h1", {}, pick(meeting.title)),
      h("p", { class: "muted" }, when(meeting), venue ? ` · ${venue}` : ""),
      /^https?:\/\//.test(meeting.online_url || "")
        ? h("p", {}, h("a", { href: meeting.online_url, rel: "noreferrer" }, meeting.online_url))
        : null,
    ),
    renderMe(),
    renderRoom(),
    renderMotions(),
    renderPolls(),
    renderAgenda(),
  );
}

function renderMe() {
  const me = state.me;
  // Where check-in happens at the desk, the page offers only checking out.
  const atDesk = state.meeting.self_check_in === false && !me.present;
  const canMove = state.meeting.status === "in_progress" && !atDesk;
  return h(
    "section",
    { class: "card me" },
    h("h2", {}, t().you),
    h("p", {}, h("strong", {}, me.name), ` · ${t().roles[me.role] || me.role}`),
    h("p", { class: me.present ? "badge present" : "badge" }, me.present ? t().checkedIn : t().absent),
    canMove
      ? h(
          "button",
          { type: "button", class: "secondary", id: "presence", "data-focus": "presence", onclick: () => setPresence(!me.present) },
          me.present ? t().checkOut : t().checkIn,
        )
      : null,
    atDesk && state.meeting.status !== "ended" ? h("p", { class: "desk" }, t().atDesk) : null,
    STAFF.has(me.role) ? h("p", {}, h("a", { href: `/meetings/${meetingId}/projector`, target: "_blank", rel: "opener" }, t().projector)) : null,
    STAFF.has(me.role) ? h("p", {}, h("a", { href: `/meetings/${meetingId}/desk`, target: "_blank", rel: "opener" }, t().desk.open)) : null,
    state.messages.me ? h("p", { class: "error", role: "alert" }, state.messages.me) : null,
    renderCalendar(),
  );
}

// A private calendar link: the participant's meetings and their department's deadlines, for a calendar app.
function renderCalendar() {
  const words = t().calendar;
  if (!state.calendarUrl) {
    return h("p", {}, h("button", { type: "button", class: "secondary", "data-focus": "calendar", onclick: makeCalendarLink }, words.subscribe));
  }
  return h(
    "div",
    { class: "calendar" },
    h("label", { for: "calendar-url" }, words.url),
    h("input", { id: "calendar-url", type: "text", readonly: true, value: state.calendarUrl }),
    h("p", {}, h("a", { href: state.calendarUrl, download: "meetings.ics" }, words.download)),
  );
}

async function makeCalendarLink() {
  state.messages.me = null;
  try {
    const feed = await meetingApi(`/meetings/${meetingId}/participants/${state.me.id}/calendar-feed`, { method: "POST" });
    state.calendarUrl = feed.url;
  } catch (error) {
    state.messages.me = messageOf(error);
  }
  render();
}

function renderAgenda() {
  const items = state.meeting.agenda || [];
  return h(
    "section",
    { class: "card" },
    h("h2", {}, t().agenda),
    h(
      "ol",
      { class: "agenda" },
      items.map((item) => {
        const notes = [t().kinds[item.kind], item.presenter, item.planned_minutes ? `${item.planned_minutes} ${t().minutes}` : ""]
          .filter(Boolean)
          .join(" · ");
        return h("li", {}, pick(item.title), notes ? h("small", {}, ` ${notes}`) : null);
      }),
    ),
  );
}

async function setPresence(present) {
  state.messages.me = null;
  try {
    state.me = await meetingApi(`/meetings/${meetingId}/participants/${state.me.id}/${present ? "check-in" : "check-out"}`, {
      method: "POST",
    });
  } catch (error) {
    state.messages.me = messageOf(error);
  }
  render();
}
