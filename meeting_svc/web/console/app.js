// The organiser and secretariat console's entry: signs in, draws the bar, routes `/organiser/...` to one
// view module each, and redraws on back/forward. Plain ES modules, no build step; the API client, DOM
// helper and live stream are the participant client's shared modules (../lib/).
//
// Signing in: an organiser who signed in at /login has an HttpOnly session cookie; the console asks
// that session for a short-lived bearer token (POST /auth/token with the session's CSRF token) and
// asks again when it runs out. A machine's API token may be pasted instead. Either stays in the tab.

import { ApiError } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { setLanguage } from "../lib/i18n.js";
import { state } from "../lib/state.js";
import { t } from "./i18n.js";
import { focusHeading, problemText } from "./ui.js";
import { renderMeetings } from "./views/meetings.js";
import { renderOverview } from "./views/overview.js";
import { renderPeople } from "./views/people.js";
import { renderAgenda } from "./views/agenda.js";
import { renderRoom } from "./views/room.js";
import { renderContributions } from "./views/contributions.js";
import { renderResolutions } from "./views/resolutions.js";
import { renderResults } from "./views/results.js";
import { renderTokens } from "./views/tokens.js";

const TOKEN_KEY = "hoinghi.console.token";
const VIA_KEY = "hoinghi.console.via"; // "session" (from the cookie) or "token" (pasted)
let csrf = null; // the cookie session's CSRF token, while signed in with a password
const root = document.getElementById("app");
const bar = document.getElementById("bar");
const languageKey = "hoinghi.language";

state.lang = localStorage.getItem(languageKey) === "en" ? "en" : "vi";

// Views get `navigate` for their links; a view in progress (the room's stream) stops when the route changes.
let generation = 0;

function navigate(event) {
  if (event.ctrlKey || event.metaKey || event.shiftKey || event.button === 1) return;
  event.preventDefault();
  go(event.currentTarget.getAttribute("href"));
}

function go(path) {
  history.pushState(null, "", path);
  route();
}

function drawBar() {
  document.documentElement.lang = state.lang;
  document.querySelector(".skip").textContent = t().skip;
  bar.replaceChildren(
    h(
      "nav",
      { class: "topbar", "aria-label": t().console },
      h("a", { href: "/organiser", class: "brand", onclick: navigate }, t().console),
      state.session ? h("a", { href: "/organiser/tokens", onclick: navigate }, t().apiTokens) : null,
      h(
        "span",
        { class: "actions" },
        h(
          "button",
          {
            type: "button",
            class: "secondary",
            lang: state.lang === "vi" ? "en" : "vi",
            onclick: () => {
              setLanguage(state.lang === "vi" ? "en" : "vi");
              route();
            },
          },
          t().language,
        ),
        state.session ? h("button", { type: "button", class: "secondary", onclick: signOut }, t().signOut) : null,
      ),
    ),
  );
}

async function signOut() {
  const via = sessionStorage.getItem(VIA_KEY);
  forget();
  if (via === "session") {
    if (!csrf) {
      const info = await fetch("/auth/session");
      if (info.ok) csrf = (await info.json()).csrf_token;
    }
    if (csrf) await fetch("/auth/sign-out", { method: "POST", headers: { "X-CSRF-Token": csrf } });
    return location.assign("/login");
  }
  route();
}

function forget() {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(VIA_KEY);
  state.session = null;
}

// A bearer token from the browser's sign-in session, or null when there is none.
async function tokenFromSession() {
  const info = await fetch("/auth/session");
  if (!info.ok) return null;
  csrf = (await info.json()).csrf_token;
  const answer = await fetch("/auth/token", { method: "POST", headers: { "X-CSRF-Token": csrf } });
  if (!answer.ok) return null;
  const { token } = await answer.json();
  sessionStorage.setItem(TOKEN_KEY, token);
  sessionStorage.setItem(VIA_KEY, "session");
  return token;
}

function signInForm(message) {
  const form = h(
    "form",
    {
      class: "card",
      onsubmit: async (event) => {
        event.preventDefault();
        const token = new FormData(form).get("token").trim();
        state.session = { token };
        try {
          await fetch("/api/v1/meetings?limit=1", { headers: { Authorization: `Bearer ${token}` } }).then((r) => {
            if (!r.ok) throw new ApiError(r.status, {});
          });
          sessionStorage.setItem(TOKEN_KEY, token);
          sessionStorage.setItem(VIA_KEY, "token");
          route();
        } catch (error) {
          state.session = null;
          form.querySelector(".problem").textContent = t().signedOut;
          form.querySelector("input").setAttribute("aria-invalid", "true");
          form.querySelector("input").focus();
        }
      },
    },
    h("h1", {}, t().signInTitle),
    message ? h("p", { class: "error", role: "alert" }, message) : null,
    h("p", {}, h("a", { href: "/login", class: "button primary" }, t().signInPassword)),
    h("h2", {}, t().orToken),
    h(
      "p",
      { class: "field" },
      h("label", { for: "token" }, t().token),
      h("input", { id: "token", name: "token", type: "password", required: true, autocomplete: "off", "aria-describedby": "token-help" }),
      h("small", { id: "token-help", class: "muted" }, t().tokenHelp),
    ),
    h("p", { class: "problem error", role: "alert" }),
    h("button", { type: "submit", class: "primary" }, t().signIn),
  );
  return form;
}

const ROUTES = [
  [/^\/organiser\/?$/, () => renderMeetings],
  [/^\/organiser\/tokens$/, () => renderTokens],
  [/^\/organiser\/meetings\/([^/]+)\/?$/, () => renderOverview],
  [/^\/organiser\/meetings\/([^/]+)\/people$/, () => renderPeople],
  [/^\/organiser\/meetings\/([^/]+)\/agenda$/, () => renderAgenda],
  [/^\/organiser\/meetings\/([^/]+)\/room$/, () => renderRoom],
  [/^\/organiser\/meetings\/([^/]+)\/contributions$/, () => renderContributions],
  [/^\/organiser\/meetings\/([^/]+)\/resolutions$/, () => renderResolutions],
  [/^\/organiser\/meetings\/([^/]+)\/results$/, () => renderResults],
];

export async function route(retried = false) {
  generation += 1;
  const saved = sessionStorage.getItem(TOKEN_KEY) || (await tokenFromSession());
  state.session = saved ? { token: saved } : null;
  drawBar();
  const view = h("div", { id: "view" });
  root.replaceChildren(view);
  if (!state.session) {
    view.append(signInForm());
    return focusHeading(view);
  }
  const found = ROUTES.map(([pattern, pickView]) => [location.pathname.match(pattern), pickView]).find(([m]) => m);
  if (!found) {
    view.append(h("h1", {}, t().notFound));
    return focusHeading(view);
  }
  const [match, pickView] = found;
  view.append(h("p", { class: "muted" }, t().loading));
  try {
    const mine = generation;
    await pickView()(view, { meetingId: match[1], navigate, go, stillHere: () => generation === mine });
  } catch (error) {
    if (error.status === 401) {
      const via = sessionStorage.getItem(VIA_KEY);
      forget();
      // a console token runs out before its session: ask the session for another, once
      if (via === "session" && !retried) return route(true);
      drawBar();
      view.replaceChildren(signInForm(t().signedOut));
    } else {
      console.error(error); // the page says it in words; the details are for whoever opens the developer tools
      view.replaceChildren(h("h1", {}, t().console), h("p", { class: "error", role: "alert" }, problemText(error)));
    }
  }
  focusHeading(view);
}

addEventListener("popstate", route);
route();
