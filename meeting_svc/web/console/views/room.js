// In the room (chair and secretariat): start and end the meeting, attendance against the voting roll
// with a live quorum meter, the check-in desk (find a name → check in; several at once), and the
// meeting's polls opened and closed from here. Usable on a phone at the door (390 px). Live over the
// notifier's stream, as the participant page is.

import { meetingApi, resolutionApi } from "../../lib/api.js";
import { h } from "../../lib/dom.js";
import { follow } from "../../lib/stream.js";
import { pick, t } from "../i18n.js";
import { announce, showProblem, statusBadge, tabs } from "../ui.js";
import { floorSection } from "./floor.js";

// The present share of the voting weight, as a whole percentage (rounded down: never overstate a quorum).
export const share = (attendance) =>
  attendance.eligible_weight ? Math.floor((100 * attendance.present_voting_weight) / attendance.eligible_weight) : 0;

export async function renderRoom(view, { meetingId, navigate, stillHere }) {
  // the first screen's reads together, not one after another
  let [meeting, attendance, { items: polls }] = await Promise.all([
    meetingApi(`/meetings/${meetingId}`),
    meetingApi(`/meetings/${meetingId}/attendance`),
    resolutionApi(`/meetings/${meetingId}/polls`),
  ]);
  const results = {};
  const confirming = {};
  const selected = new Map(); // id → person: a selection outlives the search that found them
  let found = [];

  const lifecycle = h("div", { class: "actions" });
  const meter = h("section", { class: "card", "aria-labelledby": "attendance" });
  const pollList = h("section", { class: "card", "aria-labelledby": "polls" });
  const liveBadge = h("span", { class: "live", role: "status" });
  const hits = h("ul", { class: "hits" });
  const deskStatus = h("p", { class: "muted", "aria-live": "polite" });

  let confirmingEnd = false; // ending closes the open polls and cannot be undone: a second press does it
  function drawLifecycle() {
    const action = { scheduled: "start", in_progress: "end" }[meeting.status];
    lifecycle.replaceChildren(
      statusBadge(meeting.status),
      action
        ? h(
            "button",
            {
              type: "button",
              class: action === "start" ? "primary" : "danger",
              onclick: async () => {
                if (action === "end" && !confirmingEnd) {
                  confirmingEnd = true;
                  drawLifecycle();
                  return lifecycle.querySelector("button").focus();
                }
                try {
                  meeting = await meetingApi(`/meetings/${meetingId}/${action}`, { method: "POST", ifMatch: `"${meeting.version}"` });
                  announce(t().status[meeting.status]);
                  drawLifecycle();
                  lifecycle.querySelector("button")?.focus();
                } catch (error) {
                  showProblem(lifecycle, error);
                }
              },
            },
            action === "end" && confirmingEnd ? t().confirmEnd : t()[action],
          )
        : null,
    );
  }

  function drawMeter() {
    const percent = share(attendance);
    meter.replaceChildren(
      h("h2", { id: "attendance" }, t().attendance),
      h("p", { class: "big", "aria-live": "polite" }, t().presentCount(attendance.present_voting_count, attendance.eligible_count)),
      h("label", { for: "quorum-meter" }, t().quorum),
      h("meter", {
        id: "quorum-meter",
        min: 0,
        max: attendance.eligible_weight || 1,
        value: attendance.present_voting_weight,
        low: Math.ceil((attendance.eligible_weight || 1) / 2),
        optimum: attendance.eligible_weight || 1,
        "aria-valuetext": t().quorumText(attendance.present_voting_weight, attendance.eligible_weight, percent),
      }),
      h("p", { class: "quorum-figure" }, t().quorumText(attendance.present_voting_weight, attendance.eligible_weight, percent)),
    );
  }

  function pollControls(poll) {
    if (poll.status === "draft") {
      return h("button", { type: "button", class: "primary", onclick: () => runPoll(poll, "open") }, t().openPoll);
    }
    if (poll.status !== "open") return null;
    return h(
      "button",
      {
        type: "button",
        class: "danger",
        onclick: (event) => {
          if (!confirming[poll.id]) {
            confirming[poll.id] = true;
            event.target.textContent = t().confirmClose;
            return;
          }
          runPoll(poll, "close");
        },
      },
      confirming[poll.id] ? t().confirmClose : t().closePoll,
    );
  }

  function drawPolls() {
    pollList.replaceChildren(
      h("h2", { id: "polls" }, t().polls),
      polls.length
        ? h(
            "ul",
            { class: "polls" },
            polls.map((poll) => {
              const result = results[poll.id];
              return h(
                "li",
                { "data-poll": poll.id },
                h("strong", {}, pick(poll.question)),
                " ",
                h("span", { class: `badge ${poll.status}` }, t().pollStatus[poll.status] || poll.status),
                poll.status === "open" && poll.eligible_count !== null
                  ? h("p", { class: "turnout", "aria-live": "polite" }, t().turnout(poll.voted_count || 0, poll.eligible_count))
                  : null,
                result ? h("p", { class: `outcome ${result.result.outcome}` }, t().outcome[result.result.outcome]) : null,
                result ? h("ul", { class: "tallies" }, result.result.tallies.map((x) => h("li", { "data-option": x.option }, h("span", {}, t().options[x.option] || x.option), h("span", {}, t().votesWeight(x.count, x.weight))))) : null,
                h("p", {}, pollControls(poll)),
              );
            }),
          )
        : h("p", { class: "muted" }, t().noPolls),
    );
  }

  // the closed polls' results in one answer for the meeting, not one request per poll (20 polls: 20 requests)
  async function loadResults() {
    if (!polls.some((p) => p.status === "closed" && !results[p.id])) return;
    for (const result of (await resolutionApi(`/meetings/${meetingId}/results`)).items) results[result.poll_id] = result;
  }

  async function loadPolls() {
    polls = (await resolutionApi(`/meetings/${meetingId}/polls`)).items;
    await loadResults();
    drawPolls();
  }

  async function runPoll(poll, action) {
    delete confirming[poll.id];
    try {
      await resolutionApi(`/polls/${poll.id}/${action}`, { method: "POST" });
      announce(`${pick(poll.question)}: ${t().pollStatus[action === "open" ? "open" : "closed"]}`);
      await loadPolls();
      pollList.querySelector(`[data-poll="${poll.id}"] button`)?.focus();
    } catch (error) {
      showProblem(pollList, error);
      // a vote opens once the meeting has started: said so, rather than that it cannot be done now
      if (error.status === 409 && error.problem?.current_status === "scheduled") pollList.querySelector(".problem").textContent = t().startFirst;
    }
  }

  async function loadAttendance() {
    attendance = await meetingApi(`/meetings/${meetingId}/attendance`);
    drawMeter();
  }

  // --- the check-in desk -----------------------------------------------------------------------------
  async function search(text) {
    if (!text.trim()) {
      found = [];
      return drawHits();
    }
    const params = new URLSearchParams({ q: text.trim(), limit: 20, sort: "name" });
    found = (await meetingApi(`/meetings/${meetingId}/participants?${params}`)).items;
    if (!found.length) deskStatus.textContent = t().none;
    drawHits();
  }

  function drawHits() {
    hits.replaceChildren(
      ...found.map((p) =>
        h(
          "li",
          { "data-participant": p.id },
          h("input", {
            type: "checkbox",
            id: `pick-${p.id}`,
            checked: selected.has(p.id),
            disabled: p.present,
            "aria-label": t().select(p.name),
            onchange: (event) => (event.target.checked ? selected.set(p.id, p) : selected.delete(p.id)),
          }),
          h("label", { for: `pick-${p.id}` }, p.name, p.email ? h("small", { class: "muted" }, ` ${p.email}`) : null),
          p.present
            ? h("button", { type: "button", class: "secondary", "aria-label": `${t().checkOut}: ${p.name}`, onclick: () => checkIn([p], false) }, t().checkOut)
            : h("button", { type: "button", class: "primary", "aria-label": `${t().checkIn}: ${p.name}`, onclick: () => checkIn([p], true) }, t().checkIn),
        ),
      ),
    );
  }

  async function checkIn(people, present) {
    try {
      for (const p of people) {
        await meetingApi(`/meetings/${meetingId}/participants/${p.id}/${present ? "check-in" : "check-out"}`, { method: "POST" });
        selected.delete(p.id);
      }
    } catch (error) {
      return showProblem(desk, error);
    }
    const message = people.length === 1 ? (present ? t().checkedIn(people[0].name) : `${t().checkOut}: ${people[0].name}`) : t().checkedInMany(people.length);
    await Promise.all([search(desk.querySelector("input").value), loadAttendance()]);
    deskStatus.textContent = message;
    desk.querySelector("input").focus();
  }

  let typing;
  const desk = h(
    "form",
    { class: "card desk", "aria-labelledby": "desk", role: "search", onsubmit: (event) => event.preventDefault() },
    h("h2", { id: "desk" }, t().checkInDesk),
    h(
      "p",
      { class: "field" },
      h("label", { for: "desk-search" }, t().findName),
      h("input", {
        id: "desk-search",
        type: "search",
        autocomplete: "off",
        oninput: (event) => {
          clearTimeout(typing);
          typing = setTimeout(() => search(event.target.value), 200);
        },
      }),
    ),
    deskStatus,
    hits,
    h(
      "p",
      {},
      h(
        "button",
        {
          type: "button",
          class: "secondary",
          onclick: () => {
            const people = [...selected.values()];
            if (people.length) checkIn(people, true);
          },
        },
        t().checkSelected,
      ),
    ),
  );

  drawLifecycle();
  drawMeter();
  const [floor] = await Promise.all([floorSection(meetingId), loadResults()]);
  drawPolls();
  view.replaceChildren(h("h1", {}, pick(meeting.title)), liveBadge, tabs(meetingId, "room", navigate), lifecycle, ...floor.sections, meter, desk, pollList);

  let pending = null;
  const soon = (load) => {
    // a burst of events (a bulk check-in) causes one reload of each kind, after one short wait
    if (pending) return pending.add(load);
    pending = new Set([load]);
    setTimeout(() => {
      const loads = pending;
      pending = null;
      for (const l of loads) l().catch((error) => console.warn(error));
    }, 150);
  };
  follow({
    meeting: meetingId,
    stopped: () => !stillHere(),
    final: [401, 403],
    onEvent: (type, event) => {
      if (type.startsWith("participant.")) soon(loadAttendance);
      else if (type === "poll.turnout_changed") {
        const poll = polls.find((p) => p.id === event.poll_id);
        if (poll) {
          poll.voted_count = event.voted_count ?? poll.voted_count;
          drawPolls();
        }
      } else if (type.startsWith("poll.") || type.startsWith("resolution.")) soon(loadPolls);
      else if (type.startsWith("agenda.") || type.startsWith("speaker.") || type.startsWith("room.")) soon(floor.reload);
      else if (type.startsWith("meeting.")) {
        soon(async () => {
          meeting = await meetingApi(`/meetings/${meetingId}`);
          drawLifecycle();
        });
        soon(floor.reload);
      }
    },
    onLive: (live) => {
      liveBadge.textContent = live ? t().live : t().offline;
      liveBadge.classList.toggle("on", live);
    },
    onResume: () => {
      soon(floor.reload);
      soon(loadAttendance);
      soon(loadPolls);
    },
  });
}
