// What the page knows: the meeting it is for, the signed-in participant and what was loaded. One
// mutable object shared by the views; only loaders and actions change it, then ask for a render.

export const config = JSON.parse(document.getElementById("config").textContent);
// `/meetings/{id}` is the participant's page; `/meetings/{id}/projector` the room's screen.
const [, pathMeeting, pathView] = location.pathname.split("/").filter(Boolean);
export const meetingId = decodeURIComponent(pathMeeting);
export const projector = pathView === "projector";
// `/meetings/{id}/desk`: the check-in desk, where the secretary scans participants' QR codes.
export const desk = pathView === "desk";

// The session and the receipts live in the tab (sessionStorage): on a shared computer, closing the
// tab signs the participant out and leaves no trace of how they voted. The invite link signs in again.
export const sessionKey = `hoinghi.session.${meetingId}`;
export const receiptsKey = `hoinghi.receipts.${meetingId}`;
// A ballot sent but not yet answered, with the random nonce it was sent with: if the answer is lost
// (network, a restarted service, a closed tab), sending it again with the same nonce gets the same
// receipt and is counted once.
export const pendingKey = `hoinghi.pending.${meetingId}`;

export const state = {
  lang: "vi",
  session: null,
  meeting: null,
  me: null,
  polls: [],
  results: {},
  verified: {},
  checkFailed: {},
  resolutions: {},
  amendments: {}, // resolution id → its amendments (null: not readable by this participant)
  proxyChoices: null,
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
  room: null, // where the meeting stands (current item, its list of speakers), from GET …/room
  roomOffset: 0, // the server's clock minus this device's, in ms
  roster: null, // the participants, for the chair's "add a speaker"
  displayUrl: null,
  motions: null, // motions from the floor (GET …/motions)
};
