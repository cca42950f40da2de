// Forms a participant types into (position reports, directive progress): which are open, and their
// submission without a page load.

import { state } from "./state.js";

export function startEditing(item, redraw) {
  state.editing[item.id] = true;
  state.messages[item.id] = null;
  redraw();
}

export function stopEditing(item, redraw) {
  delete state.editing[item.id];
  redraw();
}

// An onsubmit handler that hands the form's data to `send` instead of leaving the page.
export const submitWith = (send) => (event) => {
  event.preventDefault();
  send(new FormData(event.target));
};
