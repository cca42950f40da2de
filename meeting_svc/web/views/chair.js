// The chair's part of the participant page: opening and closing polls.

import { resolutionApi } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { render } from "../lib/render.js";
import { state } from "../lib/state.js";
import { loadPolls } from "./polls.js";

export const chairs = () => state.me.role === "chair";

// The chair opens a poll with one click; closing takes a second, confirming click, as it cannot be undone.
export function renderChairControls(poll) {
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
