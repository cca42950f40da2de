// The page's regions and when they are redrawn. `live` is redrawn on every change; `reports` (forms a
// representative may be typing in) only when the reports themselves change, so a live update never
// takes a half-typed text away.

import { h } from "./dom.js";
import { state } from "./state.js";

export const root = document.getElementById("app");
export const live = document.createElement("div");
export const reports = document.createElement("div");

let view = () => {};
// The view module that draws the live region (participant page or projector).
export function setView(draw) {
  view = draw;
}

export function showRegions() {
  if (live.parentNode !== root) root.replaceChildren(live, reports);
}

export function fail(message) {
  root.replaceChildren(h("section", { class: "card" }, h("p", { class: "error", role: "alert" }, message)));
}

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

export function render() {
  if (!state.meeting) return;
  if (pointerDown) {
    renderHeld = true;
    return;
  }
  keepingFocus(view);
}

// Focusable parts carry `data-focus`, a key that names the same thing after a redraw (a button, a
// ballot, a poll). A redraw that replaces the focused element puts focus back on its namesake, or on
// the nearest enclosing part that is still there, never on <body>. `focusNext` names a part to move
// focus to instead (e.g. the cancel button of a confirmation that just appeared).
let focusNext = null;
export function moveFocusTo(key) {
  focusNext = key;
}

function focusKeys() {
  const keys = [];
  for (let element = document.activeElement; element && element !== document.body; element = element.parentElement) {
    if (element.dataset && element.dataset.focus) keys.push(element.dataset.focus);
  }
  return keys;
}

export function keepingFocus(draw) {
  const keys = focusKeys();
  const next = focusNext;
  focusNext = null;
  draw();
  const active = document.activeElement;
  const kept = active && active !== document.body && active.isConnected;
  if (kept && !next) return;
  for (const key of next ? [next, ...keys] : keys) {
    const element = root.querySelector(`[data-focus="${CSS.escape(key)}"]`);
    if (element) {
      element.focus({ preventScroll: true });
      return;
    }
  }
}

// Several events in a burst cause one reload of each kind.
const pending = new Map();
export function reload(kind, load) {
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
