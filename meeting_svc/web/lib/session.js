// Signing in: the invite code arrives in the URL fragment (never sent to a server by the browser) and
// is exchanged once for a session token kept in the tab. The page also loads this module on its own
// (an async script, ahead of the views), so the exchange, which brings the participant page's first
// screen with it (on a return visit, GET …/bootstrap), runs while the rest of the modules download: on
// a slow phone that is most of a second. Hence its few imports: they arrive with the first files. Of
// the page it draws only the meeting's title, over the loading line, when the first screen comes
// before the views.

import { call, meetingApi } from "./api.js";
import { TEXT, chooseLanguage, pick } from "./i18n.js";
import { desk, meetingId, projector, sessionKey, state } from "./state.js";

const sessionEndedText = `${TEXT.vi.signIn} ${TEXT.en.signIn}`;
const participantPage = !desk && !projector;

// Whether the link's code was accepted; the session is kept in the tab, and the participant page's
// first screen comes in the same answer (one round trip less than asking for it after).
async function exchangeInvite() {
  const invite = new URLSearchParams(location.hash.slice(1)).get("invite");
  if (!invite) return { ok: true, first: null };
  history.replaceState(null, "", location.pathname); // the code leaves the address bar and history
  try {
    const body = { invite_code: invite, first_screen: participantPage };
    const { first_screen: first, ...session } = await call("", "/api/v1/sessions", { method: "POST", body });
    sessionStorage.setItem(sessionKey, JSON.stringify(session));
    return { ok: true, first };
  } catch (error) {
    sessionStorage.removeItem(sessionKey);
    return { ok: false, first: null };
  }
}

function savedSession() {
  const saved = JSON.parse(sessionStorage.getItem(sessionKey) || "null");
  return saved && new Date(saved.expires_at) > new Date() ? saved : null;
}

const exchanged = exchangeInvite();

// The participant page's first screen (null without a session, and on the desk's and the projector's
// pages, which read other things); its failure is the page's to show, once it awaits this.
export const firstScreen = participantPage
  ? exchanged.then(({ ok, first }) => {
      state.session = ok ? savedSession() : null;
      return state.session && (first || meetingApi(`/meetings/${meetingId}/bootstrap`));
    })
  : Promise.resolve(null);

// The title as soon as it is known; the participant view, once its files are here, draws the whole
// page over it (and says what went wrong, if the first screen failed).
function showTitle(first) {
  const loading = document.querySelector("#app > p.muted:only-child");
  if (!first || !loading) return;
  chooseLanguage(first.participant);
  document.documentElement.lang = state.lang;
  const title = document.createElement("h1");
  title.textContent = pick(first.meeting.title);
  loading.before(title);
}
firstScreen.then(showTitle, () => {}); // a failure is not unhandled: app.js awaits it
// while the page waits for the network: the first date formatter is the costly one (lib/format.js)
import("./format.js").then((format) => format.warmUp(), () => {});

// The session, or what to tell the participant (the page shows it) when there is none.
export async function signIn() {
  if (!(await exchanged).ok) return { problem: `${TEXT.vi.linkInvalid} ${TEXT.en.linkInvalid}` };
  const saved = savedSession();
  if (!saved) return { problem: sessionEndedText };
  state.session = saved;
  state.me = saved.participant;
  chooseLanguage(saved.participant);
  return { session: saved };
}

// A session the services no longer accept: forget it (the page says how to come back).
export function forgetSession() {
  sessionStorage.removeItem(sessionKey);
  return sessionEndedText;
}
