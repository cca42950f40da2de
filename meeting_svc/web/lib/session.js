// Signing in: the invite code arrives in the URL fragment (never sent to a server by the browser) and
// is exchanged once for a session token kept in the tab.

import { call } from "./api.js";
import { TEXT, chooseLanguage } from "./i18n.js";
import { fail } from "./render.js";
import { sessionKey, state } from "./state.js";

export async function signIn() {
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
  chooseLanguage(saved.participant);
  return true;
}

// A session the services no longer accept: forget it and say how to come back.
export function sessionEnded() {
  sessionStorage.removeItem(sessionKey);
  fail(`${TEXT.vi.signIn} ${TEXT.en.signIn}`);
}
