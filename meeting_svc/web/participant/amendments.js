// The amendments to a resolution put to the vote, under its text on the poll's card: each with its
// status and its change, removed and added lines marked in words (not by colour alone), in the page's
// language. Several are folded into one <details>, so the ballot stays in reach.

import { resolutionApi } from "../lib/api.js";
import { diffLines } from "../lib/diff.js";
import { h } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { state } from "../lib/state.js";

// A proposed amendment comes with its diff against the current text; a settled one only with the
// parts it changed, which say the same in removed/added pairs.
function linesOf(amendment) {
  const diff = amendment.diff && amendment.diff[state.lang];
  if (diff) return diffLines(diff);
  return amendment.changes
    .filter((change) => change.language === state.lang)
    .flatMap((change) => [
      change.original ? { kind: "removed", text: change.original } : null,
      change.replacement ? { kind: "added", text: change.replacement } : null,
    ])
    .filter(Boolean);
}

function renderAmendment(amendment, n) {
  const lines = linesOf(amendment);
  return h(
    "li",
    { class: "amendment", "data-amendment": amendment.id },
    h(
      "p",
      {},
      h("strong", {}, t().amendment(n + 1)),
      " ",
      h("span", { class: `badge ${amendment.status}` }, t().amendmentStatus[amendment.status] || amendment.status),
    ),
    lines.length
      ? h(
          "ul",
          { class: "diff", lang: state.lang },
          lines.map(({ kind, text }) =>
            h(
              "li",
              { class: kind },
              h("span", { class: "mark" }, t().diffMark[kind]),
              kind === "removed" ? h("del", {}, text) : kind === "added" ? h("ins", {}, text) : h("span", {}, text),
            ),
          ),
        )
      : null,
  );
}

// Nothing when there are none, or when they could not be read (a role not allowed to read them).
export function renderAmendments(resolutionId) {
  const amendments = state.amendments[resolutionId];
  if (!amendments || !amendments.length) return null;
  const list = h("ol", { class: "amendments" }, amendments.map(renderAmendment));
  if (amendments.length === 1) return h("div", { class: "amendments-box" }, h("h4", {}, t().amendments), list);
  return h(
    "details",
    { class: "amendments-box" },
    h("summary", { "data-focus": `${resolutionId}/amendments` }, t().amendmentCount(amendments.length)),
    list,
  );
}

// The amendments of every resolution shown with a poll not closed yet, read once until an event says
// they (or the text they are measured against) changed.
export async function loadAmendments(polls) {
  const wanted = new Set(polls.filter((p) => p.resolution_id && p.status !== "closed").map((p) => p.resolution_id));
  await Promise.all(
    [...wanted]
      .filter((id) => state.amendments[id] === undefined)
      .map(async (id) => {
        try {
          state.amendments[id] = (await resolutionApi(`/resolutions/${id}/amendments`)).items;
        } catch (error) {
          console.warn("amendments", error);
          state.amendments[id] = null; // not readable: show nothing rather than an error
        }
      }),
  );
}
