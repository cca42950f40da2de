// A resolution's amendments, each proposed one shown as a change against the current text (removed and
// added lines marked in words, not by colour alone), accepted or rejected by the chair. A part edited
// since the amendment was written is named, before and after pressing accept (the API answers 409).

import { resolutionApi } from "../../lib/api.js";
import { diffLines } from "../../lib/diff.js";
import { h } from "../../lib/dom.js";
import { t } from "../i18n.js";
import { announce, problemText } from "../ui.js";

function diffView(diff, language) {
  return h(
    "div",
    { class: "diff", lang: language },
    h("h5", {}, t().diffIn[language]),
    h(
      "ul",
      {},
      diffLines(diff).map(({ kind, text }) =>
        h(
          "li",
          { class: kind },
          h("span", { class: "mark" }, t().diffMark[kind]),
          kind === "removed" ? h("del", {}, text) : kind === "added" ? h("ins", {}, text) : h("span", {}, text),
        ),
      ),
    ),
  );
}

// "part 2 (Vietnamese: “…”)": how a conflict names the part, from the API's `changes[i]`.
export function partName(amendment, index) {
  const change = amendment.changes[index];
  if (!change) return t().part(index + 1, "", "");
  const quote = change.original.length > 60 ? `${change.original.slice(0, 60)}…` : change.original;
  return t().part(index + 1, t().languageOf[change.language], quote);
}

export function amendmentsSection(amendments, { onDecided }) {
  if (!amendments.length) return null;
  const box = h("div", { class: "amendments" }, h("h4", {}, t().amendments));
  amendments.forEach((amendment, n) => {
    const label = t().amendment(n + 1);
    const problem = h("p", { class: "problem error", role: "alert" });
    const decide = async (accept, event) => {
      problem.textContent = "";
      try {
        await resolutionApi(`/amendments/${amendment.id}/${accept ? "accept" : "reject"}`, { method: "POST" });
        announce(`${label}: ${accept ? t().amendmentStatus.accepted : t().amendmentStatus.rejected}`);
        await onDecided(amendment.id);
      } catch (error) {
        const field = error.problem?.field || "";
        const index = /^changes\[(\d+)\]/.exec(field);
        problem.textContent =
          error.status === 409 && index ? t().conflictOnAccept(partName(amendment, Number(index[1]))) : problemText(error);
        event.target.focus();
      }
    };
    const proposed = amendment.status === "proposed";
    box.append(
      h(
        "section",
        { class: "amendment", "data-amendment": amendment.id, "aria-labelledby": `am-${amendment.id}` },
        h("h5", { id: `am-${amendment.id}` }, label, " ", h("span", { class: `badge ${amendment.status}` }, t().amendmentStatus[amendment.status] || amendment.status)),
        proposed ? ["vi", "en"].filter((lang) => amendment.diff[lang]).map((lang) => diffView(amendment.diff[lang], lang)) : null,
        proposed && amendment.conflicts.length
          ? h("p", { class: "error" }, t().conflicts(amendment.conflicts.map((i) => partName(amendment, i)).join("; ")))
          : null,
        problem,
        proposed
          ? h(
              "p",
              { class: "actions" },
              h("button", { type: "button", class: "primary", "aria-label": `${t().accept}: ${label}`, onclick: (e) => decide(true, e) }, t().accept),
              h("button", { type: "button", class: "secondary", "aria-label": `${t().reject}: ${label}`, onclick: (e) => decide(false, e) }, t().reject),
            )
          : null,
      ),
    );
  });
  return box;
}
