// The participant's page: the meeting, the participant and their attendance, the polls, the agenda.

import { meetingApi, messageOf } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { when } from "../lib/format.js";
import { drafted, forgetDraft, formHandlers } from "../lib/forms.js";
import { pick, setLanguage, t } from "../lib/i18n.js";
import { live, moveFocusTo, render, showRegions } from "../lib/render.js";
import { STAFF, VOTING } from "../lib/roles.js";
import { meetingId, state } from "../lib/state.js";
import { learnName, renderPolls } from "./polls.js";
import { renderReports } from "./reports.js";
import { renderRoom, takeRoom } from "./room.js";
import { renderMotions } from "./motions.js";

export async function loadMeeting() {
  state.meeting = await meetingApi(`/meetings/${meetingId}`);
}

// The first screen in one answer (GET …/bootstrap, asked for by lib/session.js as soon as there is a
// session); resolution_svc's part, when meeting_svc could not get it, the page asks for itself.
export function takeFirstScreen(first) {
  state.meeting = first.meeting;
  state.me = first.participant;
  state.requests = first.contribution_requests;
  state.contributionStatus = first.contributions;
  for (const submission of first.submissions) state.submissions[submission.id] = submission;
  for (const result of first.results ? first.results.items : []) state.results[result.poll_id] = result;
  if (first.polls) state.polls = first.polls.items;
  if (first.directives) state.directives = first.directives.items;
  takeRoom(first.room);
  state.motions = first.motions;
  return { polls: Boolean(first.polls), directives: Boolean(first.directives) };
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
      languageSwitch(),
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

// The other language, named in itself (so a reader of it recognises it), kept for next time.
function languageSwitch() {
  const other = state.lang === "vi" ? "en" : "vi";
  return h(
    "button",
    {
      type: "button",
      class: "language secondary",
      lang: other,
      "data-focus": "language",
      onclick: () => {
        setLanguage(other);
        moveFocusTo("language");
        render();
        renderReports();
      },
    },
    other === "en" ? "English" : "Tiếng Việt",
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
    ["draft", "scheduled"].includes(state.meeting.status) ? renderRsvp(me) : null,
    VOTING.has(me.role) && ["draft", "scheduled", "in_progress"].includes(state.meeting.status) ? renderProxy(me) : null,
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

// Before the meeting: will the participant attend? One pressed button says the answer given.
function renderRsvp(me) {
  return h(
    "div",
    { class: "rsvp", role: "group", "aria-labelledby": "rsvp-question" },
    h("p", { id: "rsvp-question" }, t().rsvpQuestion),
    h(
      "p",
      { class: "actions" },
      ["attending", "tentative", "declined"].map((answer) =>
        h(
          "button",
          {
            type: "button",
            class: me.rsvp === answer ? "primary" : "secondary",
            "aria-pressed": me.rsvp === answer ? "true" : "false",
            "data-focus": `rsvp/${answer}`,
            onclick: () => answerRsvp(answer),
          },
          t().rsvp[answer],
        ),
      ),
    ),
  );
}

// Handing one's vote to another voting participant (for the polls that open after), or taking it back.
function renderProxy(me) {
  const holder = me.proxy_holder_id;
  if (holder) {
    if (!state.names[holder]) learnName(holder);
    return h(
      "div",
      { class: "proxy" },
      h("p", {}, t().heldBy(state.names[holder] || "…")),
      h(
        "button",
        { type: "button", class: "secondary", "data-focus": "proxy/revoke", onclick: () => changeProxy(null) },
        t().takeBack,
      ),
    );
  }
  if (!state.proxyChoices) {
    return h(
      "p",
      { class: "proxy" },
      h(
        "button",
        { type: "button", class: "secondary", "data-focus": "proxy/open", onclick: openProxyForm },
        t().handVote,
      ),
    );
  }
  return h(
    "form",
    {
      class: "proxy report-form",
      // a draft like any form's: a live redraw while it is open keeps the holder picked
      ...formHandlers("proxy", (form) => changeProxy(form.get("holder_id"))),
    },
    h(
      "label",
      {},
      t().handVoteTo,
      h(
        "select",
        { name: "holder_id", required: true, "data-focus": "proxy/field" },
        h("option", { value: "" }, "—"),
        state.proxyChoices.map((person) =>
          h("option", { value: person.id, selected: person.id === drafted("proxy", "holder_id", "") }, person.name),
        ),
      ),
    ),
    h(
      "p",
      { class: "actions" },
      h("button", { type: "submit", class: "primary", "data-focus": "proxy/save" }, t().handVote),
      h(
        "button",
        {
          type: "button",
          class: "secondary",
          onclick: () => {
            state.proxyChoices = null;
            forgetDraft("proxy");
            moveFocusTo("proxy/open");
            render();
          },
        },
        t().cancel,
      ),
    ),
  );
}

async function openProxyForm() {
  try {
    const people = (await meetingApi(`/meetings/${meetingId}/participants`)).items;
    for (const person of people) state.names[person.id] = person.name;
    state.proxyChoices = people
      .filter((p) => p.id !== state.me.id && VOTING.has(p.role))
      .sort((a, b) => a.name.localeCompare(b.name, state.lang));
    moveFocusTo("proxy/field");
  } catch (error) {
    state.messages.me = messageOf(error);
  }
  render();
}

async function changeProxy(holderId) {
  state.messages.me = null;
  const path = `/meetings/${meetingId}/participants/${state.me.id}/proxy`;
  try {
    if (holderId) {
      state.me = await meetingApi(path, { method: "POST", body: { holder_id: holderId } });
      moveFocusTo("proxy/revoke");
    } else {
      await meetingApi(path, { method: "DELETE" });
      state.me = { ...state.me, proxy_holder_id: null };
      moveFocusTo("proxy/open");
    }
    state.proxyChoices = null;
    forgetDraft("proxy");
  } catch (error) {
    state.messages.me = messageOf(error);
  }
  render();
}

async function answerRsvp(answer) {
  state.messages.me = null;
  try {
    state.me = await meetingApi(`/meetings/${meetingId}/participants/${state.me.id}/rsvp`, {
      method: "POST",
      body: { response: answer },
    });
  } catch (error) {
    state.messages.me = messageOf(error);
  }
  render();
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
