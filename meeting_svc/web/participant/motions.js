// Motions from the floor on the participant's page: a participant proposes a procedural motion or an
// amendment to the resolution of the agenda; the chair admits it (its poll is then prepared at once,
// with the preset chosen here, and appears among the polls) or rejects it.

import { meetingApi, messageOf } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { pick } from "../lib/i18n.js";
import { render } from "../lib/render.js";
import { chairs } from "../lib/roles.js";
import { meetingId, state } from "../lib/state.js";

const TEXT = {
  vi: {
    motions: "Kiến nghị từ hội trường",
    propose: "Gửi kiến nghị",
    kind: "Loại kiến nghị",
    kinds: { procedural: "Kiến nghị về thủ tục", amendment: "Đề nghị sửa đổi Nghị quyết" },
    text: "Nội dung kiến nghị",
    status: { proposed: "Chờ chủ trì xem xét", admitted: "Đã chấp nhận, đưa ra biểu quyết", rejected: "Không chấp nhận" },
    admit: "Chấp nhận và chuẩn bị biểu quyết",
    reject: "Không chấp nhận",
    preset: "Điều kiện thông qua",
    presets: { simple_majority: "Quá nửa số phiếu", two_thirds: "Hai phần ba số phiếu", absolute_majority: "Quá nửa tổng số đại biểu" },
    by: (name) => `Đề xuất: ${name}`,
    none: "Chưa có kiến nghị nào.",
  },
  en: {
    motions: "Motions from the floor",
    propose: "Propose",
    kind: "Kind of motion",
    kinds: { procedural: "Procedural motion", amendment: "Amendment to the Resolution" },
    text: "The motion",
    status: { proposed: "Awaiting the chair", admitted: "Admitted, put to the vote", rejected: "Not admitted" },
    admit: "Admit and prepare the vote",
    reject: "Do not admit",
    preset: "Passes with",
    presets: { simple_majority: "More than half of the votes", two_thirds: "Two thirds of the votes", absolute_majority: "More than half of all voters" },
    by: (name) => `Proposed by ${name}`,
    none: "No motions yet.",
  },
};

const mt = () => TEXT[state.lang];
const draft = { kind: "procedural", text: "", preset: "simple_majority" };

export async function loadMotions() {
  state.motions = (await meetingApi(`/meetings/${meetingId}/motions`)).items;
}

// The resolution an amendment would change: the first on the agenda.
const resolutionOfAgenda = () => ((state.meeting.agenda || []).find((i) => i.resolution_id) || {}).resolution_id;

async function act(path, body) {
  state.messages.motions = null;
  try {
    await meetingApi(path, { method: "POST", body });
    if (path.endsWith("/motions")) {
      draft.text = "";
      if (form) form.querySelector("textarea").value = "";
    }
    await loadMotions();
  } catch (error) {
    state.messages.motions = messageOf(error);
  }
  render();
}

export function renderMotions() {
  if (!state.motions || state.meeting.status !== "in_progress") return null;
  const text = mt();
  const chair = chairs();
  const resolution = resolutionOfAgenda();
  return h(
    "section",
    { class: "card motions", "aria-labelledby": "motions-title" },
    h("h2", { id: "motions-title" }, text.motions),
    state.motions.length
      ? h(
          "ul",
          { class: "motion-list" },
          state.motions.map((m) =>
            h(
              "li",
              { "data-motion": m.id },
              h("p", {}, h("strong", {}, text.kinds[m.kind]), ` · ${pick(m.text)}`),
              h("p", { class: "muted" }, text.by(m.proposer_name), ` · ${text.status[m.status]}`),
              chair && m.status === "proposed" ? renderDecision(m, text) : null,
            ),
          ),
        )
      : h("p", { class: "muted" }, text.none),
    state.me.role === "observer" ? null : proposalForm(text, resolution),
    state.messages.motions ? h("p", { class: "error", role: "alert" }, state.messages.motions) : null,
  );
}

function renderDecision(motion, text) {
  return h(
    "p",
    { class: "actions" },
    h("label", { for: `preset-${motion.id}` }, `${text.preset} `),
    h(
      "select",
      { id: `preset-${motion.id}`, "data-focus": `${motion.id}/preset`, onchange: (event) => (draft.preset = event.target.value) },
      Object.entries(text.presets).map(([value, label]) => h("option", { value, selected: value === draft.preset }, label)),
    ),
    h("button", { type: "button", class: "secondary", "data-focus": `${motion.id}/admit`, onclick: () => act(`/meetings/${meetingId}/motions/${motion.id}/admit`, { preset: draft.preset }) }, text.admit),
    h("button", { type: "button", class: "secondary", "data-focus": `${motion.id}/reject`, onclick: () => act(`/meetings/${meetingId}/motions/${motion.id}/reject`) }, text.reject),
  );
}

// The form is built once and moved into each redraw of the live region, so a live update while someone
// types keeps their text, caret and focus.
let form = null;
let formKey = "";
function proposalForm(text, resolution) {
  const key = `${state.lang}/${resolution || ""}`;
  if (!form || formKey !== key) {
    form = renderProposal(text, resolution);
    formKey = key;
  }
  return form;
}

function renderProposal(text, resolution) {
  const kinds = resolution ? ["procedural", "amendment"] : ["procedural"];
  return h(
    "form",
    {
      class: "motion-form",
      onsubmit: (event) => {
        event.preventDefault();
        if (!draft.text.trim()) return;
        const body = { kind: draft.kind, text: { [state.lang]: draft.text.trim() } };
        if (draft.kind === "amendment") body.resolution_id = resolution;
        act(`/meetings/${meetingId}/motions`, body);
      },
    },
    h("label", { for: "motion-kind" }, text.kind),
    h(
      "select",
      { id: "motion-kind", "data-focus": "motion-kind", onchange: (event) => (draft.kind = event.target.value) },
      kinds.map((kind) => h("option", { value: kind, selected: kind === draft.kind }, text.kinds[kind])),
    ),
    h("label", { for: "motion-text" }, text.text),
    h("textarea", { id: "motion-text", rows: "2", maxlength: "2000", "data-focus": "motion-text", oninput: (event) => (draft.text = event.target.value) }, draft.text),
    h("button", { type: "submit", "data-focus": "motion-submit" }, text.propose),
  );
}
