// The chair's part of the participant page: opening and closing polls. The controls sit below the
// chair's own ballot, apart from it, so a hurried tap on the phone cannot hit one for the other.

import { messageOf, resolutionApi } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { moveFocusTo, render } from "../lib/render.js";
import { state } from "../lib/state.js";

// A click that is part of a double-click (the browser counts it in `detail`) is no decision: closing
// needs a first click, then a separate confirming click on a button that was not under the pointer.
const deliberate = (event) => event.detail <= 1;

// `reload` reads the polls again once one was opened or closed (the polls view passes its loader).
export function renderChairControls(poll, reload) {
  if (poll.status === "draft") {
    return h(
      "p",
      { class: "chair-controls" },
      h(
        "button",
        { type: "button", class: "secondary", "data-focus": `${poll.id}/open`, onclick: () => runPoll(poll, "open", reload) },
        t().openPoll,
      ),
    );
  }
  if (poll.status !== "open") return null;
  if (!state.confirming[poll.id]) {
    return h(
      "div",
      { class: "chair-controls", role: "group", "aria-label": t().chairControls },
      h(
        "button",
        {
          type: "button",
          class: "secondary",
          "data-focus": `${poll.id}/close`,
          onclick: (event) => {
            if (!deliberate(event)) return;
            state.confirming[poll.id] = true;
            moveFocusTo(`${poll.id}/cancel`);
            render();
          },
        },
        t().closePoll,
      ),
    );
  }
  return h(
    "div",
    { class: "chair-controls confirm", role: "group", "aria-label": t().chairControls },
    h("p", {}, t().confirmQuestion),
    h(
      "p",
      { class: "actions" },
      h(
        "button",
        {
          type: "button",
          class: "secondary",
          "data-focus": `${poll.id}/cancel`,
          onclick: (event) => {
            if (!deliberate(event)) return;
            delete state.confirming[poll.id];
            moveFocusTo(`${poll.id}/close`);
            render();
          },
        },
        t().cancel,
      ),
      h(
        "button",
        {
          type: "button",
          class: "danger",
          "data-focus": `${poll.id}/confirm`,
          onclick: (event) => deliberate(event) && runPoll(poll, "close", reload),
        },
        t().confirmClose,
      ),
    ),
  );
}

async function runPoll(poll, action, reload) {
  state.messages[poll.id] = null;
  delete state.confirming[poll.id];
  try {
    await resolutionApi(`/polls/${poll.id}/${action}`, { method: "POST" });
    await reload();
  } catch (error) {
    state.messages[poll.id] = messageOf(error);
  }
  render();
}
