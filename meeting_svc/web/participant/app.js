// The participant web client's entry: signs in with the personal invite code, loads what the view
// needs, draws it and follows the meeting live over the notifier's event stream. Plain ES modules, no
// build step: shared parts in ../lib/, one module per view beside this one.

import { messageOf } from "../lib/api.js";
import { TEXT } from "../lib/i18n.js";
import { fail, reload, render, root, setView } from "../lib/render.js";
import { firstScreen, forgetSession, signIn } from "../lib/session.js";
import { desk, projector, state } from "../lib/state.js";
import { follow } from "../lib/stream.js";
import { loadMe, loadMeeting, renderParticipant, takeFirstScreen } from "./participant.js";
import { completePolls, loadPolls, resendPending, showResult } from "./polls.js";
import { refreshReports, renderReports } from "./reports.js";
import { loadDirectives } from "./directives.js";
import { loadRoom, loadRoster, tick } from "./room.js";
import { loadMotions } from "./motions.js";

// The room's screen and the check-in desk are loaded on their own pages only (whose shells preload
// them): a participant's phone does not download them.
const screen = projector ? await import("./projector.js") : null;
const checkIn = desk ? await import("./desk.js") : null;

function onEvent(type, event) {
  if (type.startsWith("speaker.") || type.startsWith("room.") || type.startsWith("agenda.item_")) {
    reload("room", loadRoom);
  }
  if (type === "meeting.started" || type === "meeting.ended") reload("room", loadRoom);
  if (!projector && (type.startsWith("motion.") || type === "meeting.started")) reload("motions", loadMotions);
  if (type.startsWith("meeting.") || type.startsWith("agenda.")) reload("meeting", loadMeeting);
  else if (type.startsWith("participant.")) {
    if (projector) reload("attendance", screen.loadAttendance);
    else if (event.participant_id === state.me.id) reload("me", loadMe);
  } else if (type === "poll.turnout_changed") {
    state.turnout[event.poll_id] = event;
    render();
  } else if (type.startsWith("directive.")) {
    if (!projector) refreshReports();
  } else if (type.startsWith("poll.") || type.startsWith("resolution.") || type.startsWith("amendment.")) {
    if (event.resolution_id) delete state.resolutions[event.resolution_id]; // amended or adopted: read it again
    // its amendments (measured against its text) change with it, not with a poll: a hall asks at once
    if (event.resolution_id && !type.startsWith("poll.")) delete state.amendments[event.resolution_id];
    if (type === "poll.closed") showResult(event); // the result travels with the event
    reload("polls", loadPolls);
  }
}

function setLive(live) {
  if (state.live !== live) {
    state.live = live;
    render();
  }
}

function resume() {
  reload("polls", loadPolls);
  reload("meeting", loadMeeting);
  reload("room", loadRoom);
  if (projector) reload("attendance", screen.loadAttendance);
  else reload("motions", loadMotions);
}

// A session the services no longer accept: forgotten, and the page says how to come back.
const sessionEnded = () => fail(forgetSession());

async function start() {
  // the loading line in words (the meeting's title may be over it already: lib/session.js)
  root.querySelector("p.muted").textContent = TEXT.vi.loading;
  const signedIn = await signIn();
  if (signedIn.problem) return fail(signedIn.problem);
  if (desk) {
    try {
      await Promise.all([loadMeeting(), loadMe()]);
    } catch (error) {
      if (error.status === 401) return sessionEnded();
      return fail(error.message);
    }
    return checkIn.renderDesk();
  }
  setView(projector ? screen.renderProjector : renderParticipant);
  try {
    if (projector) {
      await Promise.all([loadMeeting(), screen.loadAttendance(), loadPolls()]);
      await loadRoom();
    } else {
      const got = takeFirstScreen(await firstScreen);
      await Promise.all([got.polls ? null : loadPolls(), got.directives ? null : loadDirectives(), loadRoster()]);
    }
  } catch (error) {
    if (error.status === 401) return sessionEnded();
    return fail(messageOf(error));
  }
  render();
  if (!projector) renderReports();
  setInterval(tick, 250); // countdowns tick on their own, without redrawing the page
  follow({ onEvent, onLive: setLive, onResume: resume });
  if (projector) return;
  // after the first screen: the votes carried in open polls, receipt checks, ballots left unanswered
  await Promise.all([completePolls().catch((error) => console.warn("polls", error)), resendPending()]);
  render();
}

start();
