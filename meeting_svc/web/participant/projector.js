// The room's screen: attendance, then the poll in progress (or the last one decided), large.

import { meetingApi } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { pick, t } from "../lib/i18n.js";
import { live, showRegions } from "../lib/render.js";
import { meetingId, state } from "../lib/state.js";
import { turnoutOf } from "./polls.js";
import { resultDetails } from "./results.js";
import { roomScreen } from "./room.js";

export async function loadAttendance() {
  state.attendance = await meetingApi(`/meetings/${meetingId}/attendance`);
}

export function renderProjector() {
  document.documentElement.lang = state.lang;
  document.body.classList.add("projector");
  const open = state.polls.filter((p) => p.status === "open");
  const closed = state.polls.filter((p) => p.status === "closed");
  closed.sort((a, b) => (b.closed_at || "").localeCompare(a.closed_at || ""));
  const poll = open[0] || closed[0];
  showRegions();
  live.replaceChildren(
    h(
      "header",
      {},
      h("h1", {}, pick(state.meeting.title)),
      state.attendance ? h("p", { class: "attendance" }, t().present(state.attendance.present_count)) : null,
    ),
    // the chair's choice (current item, speakers, or the vote) decides what the screen shows; with no
    // item under way, the vote
    state.room && state.room.current_item_id && state.room.projector_mode !== "vote"
      ? h("section", { class: "display", "data-mode": state.room.projector_mode }, roomScreen(state.room))
      : poll
        ? renderScreenPoll(poll)
        : h("p", { class: "muted" }, t().noVotes),
  );
}

function renderScreenPoll(poll) {
  const turnout = turnoutOf(poll);
  const result = state.results[poll.id];
  const parts = [h("h2", {}, pick(poll.question)), h("p", { class: "muted" }, poll.status === "open" ? t().open : t().closed)];
  if (poll.status === "open") {
    const eligible = turnout ? turnout.eligible_count : poll.eligible_count;
    parts.push(h("p", { class: "turnout" }, t().turnout(turnout ? turnout.voted_count : 0, eligible ?? "…")));
  } else if (result) {
    parts.push(...resultDetails(result.result));
  }
  return h("section", { class: "screen", "data-poll": poll.id }, parts);
}
