// Polls on the participant's page: the ballot for each vote the participant carries (own and by
// proxy), the receipt, and after close the result with the check that the receipt was counted.

import { ApiError, meetingApi, messageOf, resolutionApi } from "../lib/api.js";
import { h, linkified } from "../lib/dom.js";
import { dateText, percent } from "../lib/format.js";
import { optionName, pick, t } from "../lib/i18n.js";
import { render } from "../lib/render.js";
import { chairs } from "../lib/roles.js";
import { meetingId, pendingKey, projector, receiptsKey, state } from "../lib/state.js";
import { loadAmendments, renderAmendments } from "./amendments.js";
import { renderChairControls } from "./chair.js";

// The latest of the poll as loaded and the turnout events since.
export function turnoutOf(poll) {
  const heard = state.turnout[poll.id];
  if (poll.voted_count === null || poll.voted_count === undefined) return heard || null;
  const loaded = { voted_count: poll.voted_count, eligible_count: poll.eligible_count };
  return heard && heard.voted_count >= loaded.voted_count ? heard : loaded; // turnout only grows
}

export function renderPolls() {
  const shown = state.polls.filter((p) => p.status === "open" || p.status === "closed" || chairs());
  const rank = { open: 0, draft: 1, closed: 2 };
  shown.sort((a, b) => rank[a.status] - rank[b.status] || (b.opened_at || "").localeCompare(a.opened_at || ""));
  return h(
    "section",
    { class: "card", id: "votes" },
    h("h2", {}, t().votes),
    shown.length ? shown.map(renderPoll) : h("p", { class: "muted" }, t().noVotes),
  );
}

// The votes this participant casts in a poll: their own, and any handed to them (proxies). Until the
// roster is known (or when it cannot be read) the participant's own vote is assumed.
function carried(poll) {
  return state.carried[poll.id] || [{ voter_id: state.me.id, cast: false }];
}

const receiptOf = (poll, voterId) => state.receipts[`${poll.id}/${voterId}`];
// [key, receipt] of every ballot this tab cast in the poll (keys are `poll/voter`).
const receiptsIn = (poll) => Object.entries(state.receipts).filter(([key]) => key.startsWith(`${poll.id}/`));

function renderPoll(poll) {
  const turnout = turnoutOf(poll);
  const parts = [
    h("h3", {}, pick(poll.question)),
    h(
      "p",
      { class: "muted" },
      `${{ open: t().open, closed: t().closed }[poll.status] || t().draft} · ${poll.secret ? t().secret : t().named}`,
    ),
  ];
  const motion = poll.resolution_id && state.resolutions[poll.resolution_id];
  if (motion) parts.push(renderMotion(poll, motion));
  if (motion && poll.status !== "closed") parts.push(renderAmendments(poll.resolution_id));
  if (poll.status === "open") {
    if (turnout) {
      parts.push(
        h("p", { class: "turnout", "aria-live": "polite", "aria-atomic": "true" }, t().turnout(turnout.voted_count, turnout.eligible_count)),
      );
    }
    const votes = carried(poll);
    if (votes.length === 0) parts.push(h("p", { class: "muted" }, notVotingText()));
    for (const vote of votes) parts.push(renderBallot(poll, vote, votes.length > 1 || vote.voter_id !== state.me.id));
  } else {
    const result = state.results[poll.id];
    if (result) parts.push(renderResult(poll, result));
  }
  if (chairs()) parts.push(renderChairControls(poll, loadPolls));
  if (state.messages[poll.id]) parts.push(h("p", { class: "error", role: "alert" }, state.messages[poll.id]));
  return h("article", { class: `poll ${poll.status}`, "data-poll": poll.id, "data-focus": poll.id, tabindex: "-1" }, parts);
}

// Not on the poll's roster: a member who handed their vote to a proxy is told who holds it.
function notVotingText() {
  const holder = state.me.proxy_holder_id;
  if (holder && !state.names[holder]) learnName(holder);
  return holder ? t().heldBy(state.names[holder] || "…") : t().notOnRoster;
}

const asked = new Set();
export function learnName(id) {
  if (asked.has(id)) return;
  asked.add(id);
  meetingApi(`/meetings/${meetingId}/participants/${id}`)
    .then((person) => {
      state.names[id] = person.name;
      render();
    })
    .catch((error) => console.warn("name", error));
}

// What is being voted on: the resolution's text and its directives, open to read while the vote is.
function renderMotion(poll, resolution) {
  return h(
    "details",
    { class: "motion", open: poll.status === "open" },
    h("summary", { "data-focus": `${poll.id}/motion` }, `${t().motionText}: ${pick(resolution.title)}`),
    h("div", { class: "motion-text" }, linkified(pick(resolution.text))),
    resolution.directives.length
      ? h(
          "ol",
          { class: "motion-directives" },
          resolution.directives.map((d) =>
            h("li", {}, pick(d.title), d.due_date ? h("small", { class: "muted" }, ` · ${t().due}: ${dateText(d.due_date)}`) : null),
          ),
        )
      : null,
  );
}

function voterName(voterId) {
  if (voterId === state.me.id) return t().ownVote;
  return t().forPrincipal(state.names[voterId] || "…");
}

function renderBallot(poll, vote, labelled) {
  const mine = receiptOf(poll, vote.voter_id);
  const parts = [labelled ? h("h4", {}, voterName(vote.voter_id)) : null];
  if (mine) {
    parts.push(
      h(
        "p",
        { class: "cast", role: "status" },
        `${t().cast} ${t().yourChoice}: ${optionName(mine.choice)}. ${t().receipt}: `,
        h("code", { class: "receipt" }, mine.receipt),
      ),
    );
  } else if (vote.cast) {
    parts.push(h("p", { class: "cast" }, t().castElsewhere));
  }
  if (!(mine || vote.cast) || poll.allow_change) {
    if (mine || vote.cast) parts.push(h("p", { class: "muted" }, t().change));
    parts.push(
      h(
        "div",
        { class: "options" },
        poll.rules.options.map((option) =>
          h(
            "button",
            {
              type: "button",
              class: mine && mine.choice === option ? "option chosen" : "option",
              "aria-pressed": mine && mine.choice === option ? "true" : "false",
              "data-option": option,
              "data-focus": `${poll.id}/${vote.voter_id}/${option}`,
              onclick: () => castBallot(poll, option, vote.voter_id),
            },
            optionName(option),
          ),
        ),
      ),
    );
  }
  return h("div", { class: "ballot", "data-voter": vote.voter_id, "data-focus": `${poll.id}/${vote.voter_id}`, tabindex: "-1" }, parts);
}

// The yes weight that passes: a simple majority must exceed the required weight (an exact fraction,
// "40/3"), the other thresholds reach it (docs/voting-rules.md).
function needed(fraction, threshold) {
  const [top, bottom = "1"] = fraction.split("/");
  const value = Number(top) / Number(bottom);
  return threshold === "simple" || !Number.isInteger(value) ? Math.floor(value) + 1 : value;
}

function renderResult(poll, result) {
  const outcome = result.result.outcome;
  const r = result.result;
  const weighted = r.tallies.some((tally) => tally.weight !== tally.count);
  const mine = receiptsIn(poll);
  return h(
    "div",
    { class: "result" },
    h("p", { class: `outcome ${outcome}` }, t().outcome[outcome] || outcome),
    h(
      "ul",
      { class: "tallies" },
      r.tallies.map((tally) =>
        h(
          "li",
          { "data-option": tally.option },
          h("span", {}, optionName(tally.option)),
          h(
            "strong",
            {},
            t().share(tally.count, r.base_weight ? percent(tally.weight / r.base_weight) : "–"),
            weighted ? ` (${tally.weight})` : "",
          ),
        ),
      ),
    ),
    h(
      "p",
      { class: "muted rule" },
      t().thresholdText(t().thresholds[r.threshold] || r.threshold, t().bases[r.base] || r.base, needed(r.required_weight, r.threshold)),
    ),
    h(
      "p",
      { class: "muted rule" },
      r.quorum_rule
        ? t().quorumText(r.quorum_met, r.present_count, r.eligible_count)
        : t().noQuorumRule(r.present_count, r.eligible_count),
    ),
    poll.secret ? null : renderNamed(poll),
    mine.map(([key, receipt]) => {
      const check = state.verified[key];
      return h(
        "div",
        { class: "ballot", "data-voter": key.split("/")[1] },
        h(
          "p",
          { class: "muted" },
          mine.length > 1 ? `${voterName(key.split("/")[1])}: ` : "",
          `${t().yourChoice}: ${optionName(receipt.choice)} · ${t().receipt}: `,
          h("code", {}, receipt.receipt),
        ),
        check === undefined
          ? state.checkFailed[poll.id]
            ? h("p", { class: "muted checking", role: "status" }, t().checking)
            : null
          : h("p", { class: check ? "verified" : "error" }, check ? t().counted : t().notCounted),
      );
    }),
  );
}

// A named poll's ballots, read when the participant opens the list (not on every page load).
const named = {};
function renderNamed(poll) {
  const ballots = named[poll.id];
  return h(
    "details",
    {
      class: "named",
      open: ballots !== undefined,
      ontoggle: (event) => {
        if (event.target.open && ballots === undefined) loadNamed(poll);
      },
    },
    h("summary", { "data-focus": `${poll.id}/named` }, t().whoVoted),
    ballots
      ? h(
          "ul",
          {},
          [...ballots]
            .sort((a, b) => (state.names[a.voter_id] || "").localeCompare(state.names[b.voter_id] || "", state.lang))
            .map((b) => h("li", { "data-voter": b.voter_id }, `${state.names[b.voter_id] || "…"}: ${optionName(b.choice)}`)),
        )
      : h("p", { class: "muted" }, t().loading),
  );
}

async function loadNamed(poll) {
  try {
    const [ballots, people] = await Promise.all([
      resolutionApi(`/polls/${poll.id}/ballots`),
      meetingApi(`/meetings/${meetingId}/participants`),
    ]);
    for (const person of people.items) state.names[person.id] = person.name;
    named[poll.id] = ballots.items;
  } catch (error) {
    state.messages[poll.id] = messageOf(error);
  }
  render();
}

// --- casting ---------------------------------------------------------------------------------------

// 16 random bytes, base64url: the ballot's nonce, made here and never derived from the voter.
function newNonce() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function savePending() {
  sessionStorage.setItem(pendingKey, JSON.stringify(state.pending));
}

// Send a ballot; an answer lost on the way (no answer, or a 5xx) is asked for again with the same nonce.
async function sendBallot(pollId, voterId, ballot) {
  const body = { choice: ballot.choice, nonce: ballot.nonce };
  if (voterId !== state.me.id) body.principal_id = voterId;
  for (let attempt = 0; ; attempt++) {
    try {
      return await resolutionApi(`/polls/${pollId}/ballots`, { method: "POST", body });
    } catch (error) {
      const lost = !(error instanceof ApiError) || error.status >= 500;
      if (!lost || attempt >= 4) throw error;
      await new Promise((resolve) => setTimeout(resolve, 300 * 2 ** attempt));
    }
  }
}

async function castBallot(poll, option, voterId) {
  state.messages[poll.id] = null;
  const key = `${poll.id}/${voterId}`;
  const ballot = { choice: option, nonce: newNonce() };
  state.pending[key] = ballot;
  savePending();
  try {
    const answer = await sendBallot(poll.id, voterId, ballot);
    rememberReceipt(poll.id, voterId, { receipt: answer.receipt, choice: option });
    delete state.pending[key];
  } catch (error) {
    state.messages[poll.id] = messageOf(error);
    if (error instanceof ApiError) delete state.pending[key]; // answered: this ballot was not counted
    if (error.status === 409) await loadPolls().catch(() => {});
  }
  savePending();
  await loadCarried(poll).catch(() => {});
  render();
}

// Ballots of this tab whose answer never came (e.g. the page was reloaded meanwhile): ask again.
export async function resendPending() {
  for (const [key, ballot] of Object.entries(state.pending)) {
    const [pollId, voterId] = key.split("/");
    try {
      const answer = await sendBallot(pollId, voterId, ballot);
      rememberReceipt(pollId, voterId, { receipt: answer.receipt, choice: ballot.choice });
      delete state.pending[key];
    } catch (error) {
      if (error instanceof ApiError) delete state.pending[key];
    }
  }
  savePending();
}

function rememberReceipt(pollId, voterId, receipt) {
  state.receipts[`${pollId}/${voterId}`] = receipt;
  sessionStorage.setItem(receiptsKey, JSON.stringify(state.receipts));
}

// --- loading ---------------------------------------------------------------------------------------

async function loadResolutions() {
  for (const resolution of (await resolutionApi(`/meetings/${meetingId}/resolutions`)).items) {
    state.resolutions[resolution.id] = resolution;
  }
}

async function loadCarried(poll) {
  const votes = (await resolutionApi(`/polls/${poll.id}/votes-carried`)).items;
  state.carried[poll.id] = votes;
  const unknown = votes.map((v) => v.voter_id).filter((id) => id !== state.me.id && !state.names[id]);
  await Promise.all(
    unknown.map(async (id) => {
      state.names[id] = (await meetingApi(`/meetings/${meetingId}/participants/${id}`)).name;
    }),
  );
}

async function verify(poll) {
  const mine = receiptsIn(poll);
  if (!mine.length || !poll.secret) return;
  const published = (await resolutionApi(`/polls/${poll.id}/receipts`)).items;
  for (const [key, receipt] of mine) {
    state.verified[key] = published.some((r) => r.receipt === receipt.receipt && r.choice === receipt.choice);
  }
}

// The receipt check must end in "counted" or "not counted": a failed attempt says so on the page and
// is tried again, waiting longer each time (up to half a minute).
async function checkReceipts(poll, attempt = 0) {
  try {
    await verify(poll);
    delete state.checkFailed[poll.id];
  } catch (error) {
    console.warn("receipts", error);
    state.checkFailed[poll.id] = true;
    setTimeout(() => checkReceipts(poll, attempt + 1).then(render), Math.min(30_000, 1000 * 2 ** attempt));
  }
}

// The result travels with poll.closed: every page shows it at once without asking for it (a full hall
// asking at the same moment is what brings a server down when a vote closes).
export function showResult(event) {
  state.results[event.poll_id] = {
    poll_id: event.poll_id,
    closed_at: event.occurred_at,
    result: event.result,
    meeting_position: event.meeting_position,
  };
  const poll = state.polls.find((p) => p.id === event.poll_id);
  if (poll) poll.status = "closed";
  if (poll && !checked.has(poll.id)) {
    checked.add(poll.id);
    checkReceipts(poll).then(render);
  }
  render();
}

export async function loadPolls() {
  try {
    state.polls = (await resolutionApi(`/meetings/${meetingId}/polls`)).items;
  } catch (error) {
    // After the meeting a department's representative keeps only the follow-up of its directives
    // (loaded apart): the polls are over. Any other ended session still fails with the directives.
    if (error.status !== 401 || state.me?.role !== "department_representative") throw error;
    state.polls = [];
    return;
  }
  await completePolls();
}

// What the poll list does not say: the votes this participant carries in open polls, the results of
// closed ones not known yet, and (once per poll) whether this tab's receipts are in them.
const checked = new Set();
export async function completePolls() {
  const motions = state.polls.some((poll) => poll.resolution_id && !state.resolutions[poll.resolution_id]);
  if (motions) await loadResolutions().catch((error) => console.warn("resolutions", error));
  if (!projector) await loadAmendments(state.polls);
  await Promise.all(
    state.polls.map(async (poll) => {
      if (poll.status === "open" && !projector) await loadCarried(poll).catch((error) => console.warn("votes carried", error));
      if (poll.status !== "closed") return;
      if (!state.results[poll.id]) state.results[poll.id] = await resolutionApi(`/polls/${poll.id}/result`);
      if (!checked.has(poll.id)) {
        checked.add(poll.id);
        await checkReceipts(poll);
      }
    }),
  );
}
