// Forms a participant types into (position reports, directive progress): which are open, what has
// been typed in them (a draft, kept in the tab until saved or cancelled), and their submission. A form
// is always drawn from its draft, so a failed save or a redraw never takes the typed text away.

import { moveFocusTo } from "./render.js";
import { meetingId, state } from "./state.js";

const draftsKey = `hoinghi.drafts.${meetingId}`;
const drafts = JSON.parse(sessionStorage.getItem(draftsKey) || "{}");

function saveDrafts() {
  sessionStorage.setItem(draftsKey, JSON.stringify(drafts));
}

export function startEditing(item, redraw) {
  state.editing[item.id] = true;
  state.messages[item.id] = null;
  moveFocusTo(`${item.id}/field`); // the form's first field
  redraw();
}

export function stopEditing(item, redraw) {
  delete state.editing[item.id];
  forgetDraft(item.id);
  moveFocusTo(`${item.id}/edit`);
  redraw();
}

// What the form's field shows: the participant's draft if they typed one, else the stored value.
export function drafted(id, name, stored) {
  const draft = drafts[id];
  return draft && name in draft ? draft[name] : stored;
}

export function forgetDraft(id) {
  delete drafts[id];
  saveDrafts();
}

// The handlers of a form: every keystroke updates its draft; submitting hands the data to `send`
// instead of leaving the page.
export function formHandlers(id, send) {
  return {
    oninput: (event) => {
      const form = event.currentTarget;
      drafts[id] = Object.fromEntries(new FormData(form).entries());
      saveDrafts();
    },
    onsubmit: (event) => {
      event.preventDefault();
      send(new FormData(event.target));
    },
  };
}
