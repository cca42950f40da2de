// The participant web client: signs in with the personal invite code, shows the meeting and its
// agenda, checks the participant in and out, casts ballots, and follows the meeting live over the
// notifier's event stream. Plain modules, no build step; every text comes from the APIs or TEXT.

const config = JSON.parse(document.getElementById("config").textContent);
// `/meetings/{id}` is the participant's page; `/meetings/{id}/projector` the room's screen.
const [, pathMeeting, pathView] = location.pathname.split("/").filter(Boolean);
const meetingId = decodeURIComponent(pathMeeting);
const projector = pathView === "projector";
const root = document.getElementById("app");
// Two regions: `live` is redrawn on every change; `reports` (forms a representative may be typing
// in) only when the reports themselves change, so a live update never takes a half-typed text away.
const live = document.createElement("div");
const reports = document.createElement("div");
// The session and the receipts live in the tab (sessionStorage): on a shared computer, closing the
// tab signs the participant out and leaves no trace of how they voted. The invite link signs in again.
const sessionKey = `hoinghi.session.${meetingId}`;
const receiptsKey = `hoinghi.receipts.${meetingId}`;
// A ballot sent but not yet answered, with the random nonce it was sent with: if the answer is lost
// (network, a restarted service, a closed tab), sending it again with the same nonce gets the same
// receipt and is counted once.
const pendingKey = `hoinghi.pending.${meetingId}`;

const TEXT = {
  vi: {
    loading: "Đang tải…",
    signIn: "Xin mở lại liên kết mời riêng của Quý vị (trong thư mời) để vào hội nghị.",
    linkInvalid: "Liên kết mời không hợp lệ hoặc đã hết hiệu lực.",
    you: "Đại biểu",
    checkedIn: "Đã điểm danh",
    absent: "Chưa điểm danh",
    checkIn: "Điểm danh",
    checkOut: "Rời hội nghị",
    agenda: "Chương trình",
    minutes: "phút",
    votes: "Biểu quyết",
    noVotes: "Chưa có nội dung biểu quyết.",
    present: (n) => `Có mặt: ${n} đại biểu`,
    projector: "Màn hình trình chiếu",
    open: "Đang biểu quyết",
    draft: "Chưa mở",
    reports: "Báo cáo tham luận của đơn vị",
    directives: "Nhiệm vụ của đơn vị",
    due: "Hạn hoàn thành",
    overdue: "quá hạn",
    note: "Ghi chú tiến độ",
    update: "Cập nhật tiến độ",
    save: "Lưu",
    directiveStatus: { not_started: "Chưa bắt đầu", in_progress: "Đang thực hiện", done: "Hoàn thành", blocked: "Gặp vướng mắc" },
    deadline: "Hạn nộp",
    reportTitle: "Tiêu đề",
    reportBody: "Nội dung (Markdown)",
    recommendations: "Kiến nghị (mỗi dòng một kiến nghị)",
    submit: "Gửi báo cáo",
    revise: "Sửa báo cáo",
    saveRevision: "Lưu bản sửa",
    cancel: "Hủy",
    revision: (n) => `Bản sửa lần ${n}`,
    late: "nộp muộn",
    contribution: {
      missing: "Chưa gửi",
      submitted: "Đã gửi",
      revised: "Đã sửa",
      late: "Gửi muộn",
      overdue: "Quá hạn",
    },
    openPoll: "Mở biểu quyết",
    closePoll: "Kết thúc biểu quyết",
    confirmClose: "Xác nhận kết thúc biểu quyết",
    closed: "Đã kết thúc",
    secret: "bỏ phiếu kín",
    named: "biểu quyết công khai",
    turnout: (n, of) => `${n}/${of} đại biểu đã biểu quyết`,
    cast: "Phiếu của Quý vị đã được ghi nhận.",
    yourChoice: "Lựa chọn",
    receipt: "Mã biên nhận",
    change: "Quý vị có thể đổi lựa chọn cho đến khi kết thúc biểu quyết.",
    counted: "Phiếu của Quý vị có trong kết quả, đúng như đã bỏ.",
    castElsewhere: "Phiếu này đã được bỏ (từ một thiết bị khác).",
    notOnRoster: "Quý vị không có tên trong danh sách biểu quyết lần này.",
    ownVote: "Phiếu của Quý vị",
    forPrincipal: (name) => `Phiếu ủy quyền của ${name}`,
    notCounted: "Không thấy mã biên nhận của Quý vị trong kết quả: xin báo ngay cho thư ký hội nghị.",
    outcome: { adopted: "Thông qua", rejected: "Không thông qua", no_quorum: "Không đủ túc số" },
    options: { yes: "Tán thành", no: "Không tán thành", abstain: "Không biểu quyết" },
    votesOf: (count) => `${count} phiếu`,
    live: "Trực tiếp",
    offline: "Mất kết nối, đang thử lại…",
    status: {
      draft: "Dự thảo",
      scheduled: "Sắp diễn ra",
      in_progress: "Đang diễn ra",
      ended: "Đã kết thúc",
      cancelled: "Đã hủy",
    },
    roles: {
      chair: "chủ trì",
      secretary: "thư ký",
      voting_member: "đại biểu biểu quyết",
      department_representative: "đại diện đơn vị",
      observer: "khách mời",
    },
    kinds: { report: "Báo cáo", contribution: "Tham luận", discussion: "Thảo luận", vote: "Biểu quyết", other: "" },
  },
  en: {
    loading: "Loading…",
    signIn: "Please open your personal invite link (in your invitation email) again to enter the meeting.",
    linkInvalid: "This invite link is not valid or no longer works.",
    you: "Participant",
    checkedIn: "Checked in",
    absent: "Not checked in",
    checkIn: "Check in",
    checkOut: "Check out",
    agenda: "Agenda",
    minutes: "min",
    votes: "Votes",
    noVotes: "Nothing to vote on yet.",
    present: (n) => `Present: ${n}`,
    projector: "Projector view",
    open: "Voting open",
    draft: "Not open yet",
    reports: "Your department's position report",
    directives: "Your department's directives",
    due: "Due",
    overdue: "overdue",
    note: "Progress note",
    update: "Report progress",
    save: "Save",
    directiveStatus: { not_started: "Not started", in_progress: "In progress", done: "Done", blocked: "Blocked" },
    deadline: "Deadline",
    reportTitle: "Title",
    reportBody: "Text (Markdown)",
    recommendations: "Recommendations (one per line)",
    submit: "Send the report",
    revise: "Revise the report",
    saveRevision: "Save the revision",
    cancel: "Cancel",
    revision: (n) => `Revision ${n}`,
    late: "late",
    contribution: {
      missing: "Not sent",
      submitted: "Sent",
      revised: "Revised",
      late: "Sent late",
      overdue: "Overdue",
    },
    openPoll: "Open the vote",
    closePoll: "Close the vote",
    confirmClose: "Confirm: close the vote",
    closed: "Closed",
    secret: "secret ballot",
    named: "named vote",
    turnout: (n, of) => `${n} of ${of} have voted`,
    cast: "Your ballot is in.",
    yourChoice: "Your choice",
    receipt: "Receipt",
    change: "You may change your choice until the vote closes.",
    counted: "Your ballot is in the result, as cast.",
    castElsewhere: "This vote has been cast (from another device).",
    notOnRoster: "You are not on this vote's roster.",
    ownVote: "Your own vote",
    forPrincipal: (name) => `Vote handed to you by ${name}`,
    notCounted: "Your receipt is not in the result: tell the meeting's secretary at once.",
    outcome: { adopted: "Adopted", rejected: "Rejected", no_quorum: "No quorum" },
    options: { yes: "Yes", no: "No", abstain: "Abstain" },
    votesOf: (count) => `${count} ${count === 1 ? "vote" : "votes"}`,
    live: "Live",
    offline: "Connection lost, retrying…",
    status: {
      draft: "Draft",
      scheduled: "Scheduled",
      in_progress: "In progress",
      ended: "Ended",
      cancelled: "Cancelled",
    },
    roles: {
      chair: "chair",
      secretary: "secretary",
      voting_member: "voting member",
      department_representative: "department representative",
      observer: "observer",
    },
    kinds: { report: "Report", contribution: "Contribution", discussion: "Discussion", vote: "Vote", other: "" },
  },
};

const state = {
  lang: "vi",
  session: null,
  meeting: null,
  me: null,
  polls: [],
  results: {},
  verified: {},
  turnout: {},
  receipts: JSON.parse(sessionStorage.getItem(receiptsKey) || "{}"),
  pending: JSON.parse(sessionStorage.getItem(pendingKey) || "{}"),
  carried: {},
  names: {},
  attendance: null,
  confirming: {},
  requests: [],
  contributionStatus: [],
  submissions: {},
  editing: {},
  directives: [],
  messages: {},
  live: false,
};
const t = () => TEXT[state.lang];

class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

async function call(base, path, { method = "GET", body, ifMatch } = {}) {
  const headers = {};
  if (ifMatch) headers["If-Match"] = ifMatch;
  if (state.session) headers.Authorization = `Bearer ${state.session.token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const send = () => fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  let response = await send();
  // 503 with Retry-After: the service is catching up (e.g. a participant invited a moment ago is not
  // known there yet); try again a few times before giving up.
  for (let attempt = 0; response.status === 503 && response.headers.has("Retry-After") && attempt < 10; attempt++) {
    const seconds = Number(response.headers.get("Retry-After")) || 1;
    await new Promise((resolve) => setTimeout(resolve, Math.min(seconds, 5) * 1000));
    response = await send();
  }
  const data = response.status === 204 ? null : await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, data || {});
  return data;
}

const meetingApi = (path, options) => call("", `/api/v1${path}`, options);
const resolutionApi = (path, options) => call(config.resolutionApi, `/api/v1${path}`, options);

// --- rendering ------------------------------------------------------------------------------------

// The page's Content-Security-Policy refuses inline style attributes; a width set through the DOM is allowed.
function bar(share) {
  const element = h("span", { class: "bar" });
  element.style.width = `${Math.round(share * 100)}%`;
  return element;
}

function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) element.addEventListener(key.slice(2), value);
    else element.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null && child !== false) element.append(child);
  }
  return element;
}

const pick = (text) => (state.lang === "en" ? text.en || text.vi : text.vi || text.en) || "";
const optionName = (option) => t().options[option] || option;

function when(meeting) {
  // The API gives times in the meeting's own zone: show them as they are, with the zone's name.
  const [day, time] = meeting.starts_at.split("T");
  const [year, month, date] = day.split("-");
  const end = meeting.ends_at.split("T")[1].slice(0, 5);
  return `${date}/${month}/${year} ${time.slice(0, 5)}–${end} (${meeting.timezone})`;
}

const STAFF = new Set(["chair", "secretary"]); // "organiser" is no participant role

// Every render replaces the page's live region. One that falls between a button's pointerdown and
// pointerup replaces the button under the pointer and the click is lost (during a vote, turnout
// changes arrive several times a second): renders wait while a pointer is down, then run once.
let pointerDown = false;
let renderHeld = false;
document.addEventListener("pointerdown", () => (pointerDown = true), true);
function releasePointer() {
  pointerDown = false;
  if (renderHeld) {
    renderHeld = false;
    setTimeout(render, 0); // after the click that follows this pointerup
  }
}
document.addEventListener("pointerup", releasePointer, true);
document.addEventListener("pointercancel", releasePointer, true);

function render() {
  const meeting = state.meeting;
  if (!meeting) return;
  if (pointerDown) {
    renderHeld = true;
    return;
  }
  if (projector) return renderProjector();
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
    renderPolls(),
    renderAgenda(),
  );
}

// The room's screen: attendance, then the poll in progress (or the last one decided), large.
function renderProjector() {
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
    poll ? renderScreenPoll(poll) : h("p", { class: "muted" }, t().noVotes),
  );
}

// The latest of the poll as loaded and the turnout events since.
function turnoutOf(poll) {
  const heard = state.turnout[poll.id];
  if (poll.voted_count === null || poll.voted_count === undefined) return heard || null;
  const loaded = { voted_count: poll.voted_count, eligible_count: poll.eligible_count };
  return heard && heard.voted_count >= loaded.voted_count ? heard : loaded; // turnout only grows
}

function renderScreenPoll(poll) {
  const turnout = turnoutOf(poll);
  const result = state.results[poll.id];
  const parts = [h("h2", {}, pick(poll.question)), h("p", { class: "muted" }, poll.status === "open" ? t().open : t().closed)];
  if (poll.status === "open") {
    const eligible = turnout ? turnout.eligible_count : poll.eligible_count;
    parts.push(h("p", { class: "turnout" }, t().turnout(turnout ? turnout.voted_count : 0, eligible ?? "…")));
  } else if (result) {
    const tallies = result.result.tallies;
    const most = Math.max(1, ...tallies.map((tally) => tally.weight));
    parts.push(
      h("p", { class: `outcome ${result.result.outcome}` }, t().outcome[result.result.outcome] || result.result.outcome),
      h(
        "ul",
        { class: "bars" },
        tallies.map((tally) =>
          h(
            "li",
            { "data-option": tally.option },
            h("span", {}, optionName(tally.option)),
            bar(tally.weight / most),
            h("strong", {}, t().votesOf(tally.count)),
          ),
        ),
      ),
    );
  }
  return h("section", { class: "screen", "data-poll": poll.id }, parts);
}

function renderMe() {
  const me = state.me;
  const canMove = state.meeting.status === "in_progress";
  return h(
    "section",
    { class: "card me" },
    h("h2", {}, t().you),
    h("p", {}, h("strong", {}, me.name), ` · ${t().roles[me.role] || me.role}`),
    h("p", { class: me.present ? "badge present" : "badge" }, me.present ? t().checkedIn : t().absent),
    canMove
      ? h(
          "button",
          { type: "button", class: "secondary", id: "presence", onclick: () => setPresence(!me.present) },
          me.present ? t().checkOut : t().checkIn,
        )
      : null,
    STAFF.has(me.role) ? h("p", {}, h("a", { href: `/meetings/${meetingId}/projector`, target: "_blank", rel: "opener" }, t().projector)) : null,
    state.messages.me ? h("p", { class: "error", role: "alert" }, state.messages.me) : null,
  );
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

const chairs = () => state.me.role === "chair";

function renderPolls() {
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
  if (chairs()) parts.push(renderChairControls(poll));
  if (poll.status === "open") {
    if (turnout) parts.push(h("p", { class: "turnout" }, t().turnout(turnout.voted_count, turnout.eligible_count)));
    const votes = carried(poll);
    if (votes.length === 0) parts.push(h("p", { class: "muted" }, t().notOnRoster));
    for (const vote of votes) parts.push(renderBallot(poll, vote, votes.length > 1 || vote.voter_id !== state.me.id));
  } else {
    const result = state.results[poll.id];
    if (result) parts.push(renderResult(poll, result));
  }
  if (state.messages[poll.id]) parts.push(h("p", { class: "error", role: "alert" }, state.messages[poll.id]));
  return h("article", { class: `poll ${poll.status}`, "data-poll": poll.id }, parts);
}

// The chair opens a poll with one click; closing takes a second, confirming click, as it cannot be undone.
function renderChairControls(poll) {
  if (poll.status === "draft") {
    return h("p", {}, h("button", { type: "button", class: "secondary", onclick: () => runPoll(poll, "open") }, t().openPoll));
  }
  if (poll.status !== "open") return null;
  const confirming = state.confirming[poll.id];
  return h(
    "p",
    {},
    h(
      "button",
      {
        type: "button",
        class: confirming ? "danger" : "secondary",
        onclick: () => {
          if (!confirming) {
            state.confirming[poll.id] = true;
            return render();
          }
          return runPoll(poll, "close");
        },
      },
      confirming ? t().confirmClose : t().closePoll,
    ),
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
              "data-option": option,
              onclick: () => castBallot(poll, option, vote.voter_id),
            },
            optionName(option),
          ),
        ),
      ),
    );
  }
  return h("div", { class: "ballot", "data-voter": vote.voter_id }, parts);
}

function renderResult(poll, result) {
  const outcome = result.result.outcome;
  const weighted = result.result.tallies.some((tally) => tally.weight !== tally.count);
  const mine = receiptsIn(poll);
  return h(
    "div",
    { class: "result" },
    h("p", { class: `outcome ${outcome}` }, t().outcome[outcome] || outcome),
    h(
      "ul",
      { class: "tallies" },
      result.result.tallies.map((tally) =>
        h(
          "li",
          { "data-option": tally.option },
          h("span", {}, optionName(tally.option)),
          h("strong", {}, t().votesOf(tally.count), weighted ? ` (${tally.weight})` : ""),
        ),
      ),
    ),
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
        check === undefined ? null : h("p", { class: check ? "verified" : "error" }, check ? t().counted : t().notCounted),
      );
    }),
  );
}

// --- position reports (a department's representative) ----------------------------------------------

const representing = () => state.me.role === "department_representative" && state.me.department_id;

function deadlineText(iso) {
  const locale = state.lang === "en" ? "en-GB" : "vi-VN";
  const shown = new Date(iso).toLocaleString(locale, {
    timeZone: state.meeting.timezone,
    dateStyle: "short",
    timeStyle: "short",
  });
  return `${shown} (${state.meeting.timezone})`;
}

function renderReports() {
  const mine = state.requests.filter((r) => representing() && r.department_ids.includes(state.me.department_id));
  reports.replaceChildren(
    mine.length ? h("section", { class: "card", id: "reports" }, h("h2", {}, t().reports), mine.map(renderRequest)) : "",
    state.directives.length
      ? h("section", { class: "card", id: "directives" }, h("h2", {}, t().directives), state.directives.map(renderDirective))
      : "",
  );
}

function renderDirective(directive) {
  const editing = state.editing[directive.id];
  const status = t().directiveStatus[directive.status] || directive.status;
  return h(
    "article",
    { class: "directive", "data-directive": directive.id },
    h("h3", {}, pick(directive.title)),
    directive.description ? h("p", {}, directive.description) : null,
    h(
      "p",
      { class: "muted" },
      directive.due_date ? `${t().due}: ${directive.due_date.split("-").reverse().join("/")}` : "",
      directive.overdue ? ` · ${t().overdue}` : "",
      h("span", { class: `badge ${directive.status}` }, status),
    ),
    directive.note ? h("p", { class: "note" }, directive.note) : null,
    editing
      ? h(
          "form",
          {
            class: "report-form",
            onsubmit: (event) => {
              event.preventDefault();
              reportProgress(directive, new FormData(event.target));
            },
          },
          h(
            "label",
            {},
            t().update,
            h(
              "select",
              { name: "status" },
              Object.entries(t().directiveStatus).map(([value, label]) =>
                h("option", { value, selected: value === directive.status }, label),
              ),
            ),
          ),
          h("label", {}, t().note, h("textarea", { name: "note", rows: 3 }, directive.note)),
          h(
            "p",
            { class: "actions" },
            h("button", { type: "submit", class: "primary" }, t().save),
            h("button", { type: "button", class: "secondary", onclick: () => stopEditing(directive) }, t().cancel),
          ),
        )
      : h("button", { type: "button", class: "secondary", onclick: () => startEditing(directive) }, t().update),
    state.messages[directive.id] ? h("p", { class: "error", role: "alert" }, state.messages[directive.id]) : null,
  );
}

async function reportProgress(directive, form) {
  const body = { status: form.get("status"), note: form.get("note").trim() };
  try {
    await resolutionApi(`/directives/${directive.id}`, { method: "PATCH", body, ifMatch: `"${directive.version}"` });
    delete state.editing[directive.id];
    state.messages[directive.id] = null;
    await loadDirectives();
  } catch (error) {
    state.messages[directive.id] = error.message;
    if (error.status === 412) await loadDirectives().catch(() => {}); // changed meanwhile: show the latest
  }
  renderReports();
}

async function loadDirectives() {
  if (!representing()) return;
  const query = `?department=${encodeURIComponent(state.me.department_id)}&meeting_id=${encodeURIComponent(meetingId)}`;
  state.directives = (await resolutionApi(`/directives${query}`)).items;
}

// Live news about reports or directives is shown at once unless a form is open; then after it closes.
function refreshReports() {
  reload("reports", async () => {
    await Promise.all([loadReports(), loadDirectives()]);
    if (!Object.keys(state.editing).length) renderReports();
  });
}

function renderRequest(req) {
  const status = state.contributionStatus.find((s) => s.request_id === req.id && s.department_id === state.me.department_id);
  const submission = status && status.submission_id ? state.submissions[status.submission_id] : null;
  const current = submission && submission.current;
  const body = h("div", { class: "report-body" });
  if (current) body.innerHTML = current.body_html; // rendered and sanitised by meeting_svc
  return h(
    "article",
    { class: "request", "data-request": req.id },
    h("h3", {}, pick(req.topic)),
    h(
      "p",
      { class: "muted" },
      `${t().deadline}: ${deadlineText(req.deadline)}`,
      status ? h("span", { class: `badge ${status.status}` }, t().contribution[status.status] || status.status) : null,
    ),
    req.guidance ? h("p", { class: "guidance" }, req.guidance) : null,
    current
      ? h(
          "div",
          { class: "report" },
          h("h4", {}, current.title),
          h("p", { class: "muted" }, t().revision(current.revision), current.late ? ` · ${t().late}` : ""),
          body,
          current.recommendations.length ? h("ol", { class: "recommendations" }, current.recommendations.map((r) => h("li", {}, r))) : null,
        )
      : null,
    state.editing[req.id]
      ? renderReportForm(req, submission)
      : h(
          "button",
          { type: "button", class: "secondary", onclick: () => startEditing(req) },
          submission ? t().revise : t().submit,
        ),
    state.messages[req.id] ? h("p", { class: "error", role: "alert" }, state.messages[req.id]) : null,
  );
}

function startEditing(item) {
  state.editing[item.id] = true;
  state.messages[item.id] = null;
  renderReports();
}

function renderReportForm(req, submission) {
  const current = submission && submission.current;
  return h(
    "form",
    {
      class: "report-form",
      onsubmit: (event) => {
        event.preventDefault();
        sendReport(req, submission, new FormData(event.target));
      },
    },
    h("label", {}, t().reportTitle, h("input", { name: "title", required: true, maxlength: 500, value: current ? current.title : "" })),
    h("label", {}, t().reportBody, h("textarea", { name: "body", rows: 10 }, current ? current.body : "")),
    h(
      "label",
      {},
      t().recommendations,
      h("textarea", { name: "recommendations", rows: 4 }, current ? current.recommendations.join("\n") : ""),
    ),
    h(
      "p",
      { class: "actions" },
      h("button", { type: "submit", class: "primary" }, submission ? t().saveRevision : t().submit),
      h("button", { type: "button", class: "secondary", onclick: () => stopEditing(req) }, t().cancel),
    ),
  );
}

function stopEditing(item) {
  delete state.editing[item.id];
  renderReports();
}

async function sendReport(req, submission, form) {
  const body = {
    title: form.get("title").trim(),
    body: form.get("body"),
    recommendations: form
      .get("recommendations")
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean),
  };
  const base = `/meetings/${meetingId}/contribution-requests/${req.id}/submissions`;
  try {
    const saved = submission
      ? await call("", `/api/v1${base}/${submission.id}`, { method: "PUT", body, ifMatch: `"${submission.revision}"` })
      : await meetingApi(base, { method: "POST", body });
    state.submissions[saved.id] = saved;
    delete state.editing[req.id];
    state.messages[req.id] = null;
    await loadReports();
  } catch (error) {
    const field = error.problem && error.problem.field ? ` (${error.problem.field})` : "";
    state.messages[req.id] = `${error.message}${field}`;
  }
  renderReports();
}

async function loadReports() {
  if (!representing()) return;
  const [requests, status] = await Promise.all([
    meetingApi(`/meetings/${meetingId}/contribution-requests`),
    meetingApi(`/meetings/${meetingId}/contributions`),
  ]);
  state.requests = requests.items;
  state.contributionStatus = status.items;
  const ids = status.items.filter((s) => s.department_id === state.me.department_id && s.submission_id);
  await Promise.all(
    ids.map(async (s) => {
      state.submissions[s.submission_id] = await meetingApi(
        `/meetings/${meetingId}/contribution-requests/${s.request_id}/submissions/${s.submission_id}`,
      );
    }),
  );
}

function showRegions() {
  if (live.parentNode !== root) root.replaceChildren(live, reports);
}

function fail(message) {
  root.replaceChildren(h("section", { class: "card" }, h("p", { class: "error", role: "alert" }, message)));
}

// --- actions --------------------------------------------------------------------------------------

async function setPresence(present) {
  state.messages.me = null;
  try {
    state.me = await meetingApi(`/meetings/${meetingId}/participants/${state.me.id}/${present ? "check-in" : "check-out"}`, {
      method: "POST",
    });
  } catch (error) {
    state.messages.me = error.message;
  }
  render();
}

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
    state.messages[poll.id] = error.message;
    if (error instanceof ApiError) delete state.pending[key]; // answered: this ballot was not counted
    if (error.status === 409) await loadPolls().catch(() => {});
  }
  savePending();
  await loadCarried(poll).catch(() => {});
  render();
}

// Ballots of this tab whose answer never came (e.g. the page was reloaded meanwhile): ask again.
async function resendPending() {
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

async function runPoll(poll, action) {
  state.messages[poll.id] = null;
  delete state.confirming[poll.id];
  try {
    await resolutionApi(`/polls/${poll.id}/${action}`, { method: "POST" });
    await loadPolls();
  } catch (error) {
    state.messages[poll.id] = error.message;
  }
  render();
}

function rememberReceipt(pollId, voterId, receipt) {
  state.receipts[`${pollId}/${voterId}`] = receipt;
  sessionStorage.setItem(receiptsKey, JSON.stringify(state.receipts));
}

// --- loading --------------------------------------------------------------------------------------

async function signIn() {
  const invite = new URLSearchParams(location.hash.slice(1)).get("invite");
  if (invite) {
    history.replaceState(null, "", location.pathname); // the code leaves the address bar and history
    try {
      const session = await call("", "/api/v1/sessions", { method: "POST", body: { invite_code: invite } });
      sessionStorage.setItem(sessionKey, JSON.stringify(session));
    } catch (error) {
      sessionStorage.removeItem(sessionKey);
      fail(`${TEXT.vi.linkInvalid} ${TEXT.en.linkInvalid}`);
      return false;
    }
  }
  const saved = JSON.parse(sessionStorage.getItem(sessionKey) || "null");
  if (!saved || new Date(saved.expires_at) <= new Date()) {
    fail(`${TEXT.vi.signIn} ${TEXT.en.signIn}`);
    return false;
  }
  state.session = saved;
  state.me = saved.participant;
  state.lang = saved.participant.language === "en" ? "en" : "vi";
  return true;
}

async function loadMeeting() {
  state.meeting = await meetingApi(`/meetings/${meetingId}`);
}

async function loadAttendance() {
  state.attendance = await meetingApi(`/meetings/${meetingId}/attendance`);
}

async function loadMe() {
  state.me = await meetingApi(`/meetings/${meetingId}/participants/${state.me.id}`);
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

async function loadPolls() {
  try {
    state.polls = (await resolutionApi(`/meetings/${meetingId}/polls`)).items;
  } catch (error) {
    // After the meeting a department's representative keeps only the follow-up of its directives
    // (loaded apart): the polls are over. Any other ended session still fails with the directives.
    if (error.status !== 401 || state.me?.role !== "department_representative") throw error;
    state.polls = [];
    return;
  }
  await Promise.all(
    state.polls.map(async (poll) => {
      if (poll.status === "open" && !projector) await loadCarried(poll).catch((error) => console.warn("votes carried", error));
      if (poll.status === "closed" && !state.results[poll.id]) {
        state.results[poll.id] = await resolutionApi(`/polls/${poll.id}/result`);
        await verify(poll);
      }
    }),
  );
}

// Several events in a burst cause one reload of each kind.
const pending = new Map();
function reload(kind, load) {
  if (pending.has(kind)) return;
  pending.set(
    kind,
    setTimeout(async () => {
      pending.delete(kind);
      try {
        await load();
      } catch (error) {
        console.warn(kind, error);
      }
      render();
    }, 100),
  );
}

function onEvent(type, event) {
  if (type.startsWith("meeting.") || type.startsWith("agenda.")) reload("meeting", loadMeeting);
  else if (type.startsWith("participant.")) {
    if (projector) reload("attendance", loadAttendance);
    else if (event.participant_id === state.me.id) reload("me", loadMe);
  }
  else if (type === "poll.turnout_changed") {
    state.turnout[event.poll_id] = event;
    render();
  } else if (type.startsWith("directive.")) {
    if (!projector) refreshReports();
  } else if (type.startsWith("poll.") || type.startsWith("resolution.")) reload("polls", loadPolls);
}

function setLive(live) {
  if (state.live !== live) {
    state.live = live;
    render();
  }
}

// EventSource cannot send a bearer token, so the stream is read with fetch; the last id seen lets a
// reconnect resume where it stopped.
async function follow() {
  let lastId = null;
  for (;;) {
    try {
      const headers = { Authorization: `Bearer ${state.session.token}` };
      if (lastId) headers["Last-Event-ID"] = lastId;
      const response = await fetch(`${config.notifierApi}/api/v1/meetings/${meetingId}/stream`, { headers });
      if ([401, 403, 404].includes(response.status)) return setLive(false);
      if (!response.ok) throw new Error(`stream answered ${response.status}`);
      setLive(true);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let type = "message";
          let data = "";
          for (const line of block.split("\n")) {
            if (line.startsWith("id:")) lastId = line.slice(3).trim();
            else if (line.startsWith("event:")) type = line.slice(6).trim();
            else if (line.startsWith("data:")) data += line.slice(5).trimStart();
          }
          if (data) onEvent(type, JSON.parse(data));
        }
      }
    } catch (error) {
      console.warn("live stream", error);
    }
    setLive(false);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    // What changed while we were away is in the resumed stream; reload in case it expired.
    reload("polls", loadPolls);
    reload("meeting", loadMeeting);
    if (projector) reload("attendance", loadAttendance);
  }
}

async function start() {
  root.replaceChildren(h("p", { class: "muted" }, TEXT.vi.loading));
  if (!(await signIn())) return;
  try {
    await Promise.all([loadMeeting(), projector ? loadAttendance() : loadMe(), loadPolls()]);
    if (!projector) await Promise.all([loadReports(), loadDirectives(), resendPending()]);
  } catch (error) {
    if (error.status === 401) {
      sessionStorage.removeItem(sessionKey);
      return fail(`${TEXT.vi.signIn} ${TEXT.en.signIn}`);
    }
    return fail(error.message);
  }
  render();
  if (!projector) renderReports();
  follow();
}

start();
