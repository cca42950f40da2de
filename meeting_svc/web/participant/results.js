// A poll's result as the room reads it: the outcome, a bar with the percentage for each option, the
// threshold and the quorum in words. Shared by the projector and the display page.

import { bar, h } from "../lib/dom.js";
import { optionName, t } from "../lib/i18n.js";
import { state } from "../lib/state.js";

const WORDS = {
  vi: {
    threshold: { simple: "quá nửa", two_thirds: "ít nhất hai phần ba", three_quarters: "ít nhất ba phần tư", unanimous: "toàn bộ" },
    base: {
      cast: "số phiếu đã bỏ",
      yes_no: "số phiếu tán thành và không tán thành",
      present: "số đại biểu có mặt",
      eligible: "số đại biểu có quyền biểu quyết",
    },
    rule: (threshold, base, weight) => `Điều kiện thông qua: ${threshold} ${base} (${weight}) tán thành.`,
    noQuorum: "Không đặt yêu cầu về túc số.",
    quorum: (met, present, eligible) => `${met ? "Đủ túc số" : "Không đủ túc số"}: có mặt ${present}/${eligible} đại biểu.`,
    turnout: (n, of) => `${n}/${of} đại biểu đã biểu quyết`,
  },
  en: {
    threshold: { simple: "more than half", two_thirds: "at least two thirds", three_quarters: "at least three quarters", unanimous: "all" },
    base: { cast: "the votes cast", yes_no: "the yes and no votes", present: "those present", eligible: "all eligible voters" },
    rule: (threshold, base, weight) => `Passes with ${threshold} of ${base} (${weight}) in favour.`,
    noQuorum: "No quorum was required.",
    quorum: (met, present, eligible) => `${met ? "Quorum met" : "No quorum"}: ${present} of ${eligible} present.`,
    turnout: (n, of) => `${n} of ${of} have voted`,
  },
};

const percent = (part, whole) => (whole ? `${((100 * part) / whole).toLocaleString(state.lang, { maximumFractionDigits: 1 })} %` : "—");

export function resultDetails(result) {
  const words = WORDS[state.lang];
  const cast = result.tallies.reduce((sum, tally) => sum + tally.weight, 0);
  const most = Math.max(1, ...result.tallies.map((tally) => tally.weight));
  return [
    h("p", { class: `outcome ${result.outcome}` }, t().outcome[result.outcome] || result.outcome),
    h(
      "ul",
      { class: "bars" },
      result.tallies.map((tally) =>
        h(
          "li",
          { "data-option": tally.option },
          h("span", {}, optionName(tally.option)),
          bar(tally.weight / most),
          h("strong", {}, `${t().votesOf(tally.count)} · ${percent(tally.weight, cast)}`),
        ),
      ),
    ),
    h("p", { class: "rule" }, words.rule(words.threshold[result.threshold] || result.threshold, words.base[result.base] || result.base, result.base_weight)),
    h(
      "p",
      { class: "quorum" },
      result.quorum_rule ? words.quorum(result.quorum_met, result.present_count, result.eligible_count) : words.noQuorum,
    ),
  ];
}

export const turnoutWords = (n, of) => WORDS[state.lang].turnout(n, of);
