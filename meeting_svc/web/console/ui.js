// What every console view shares: labelled fields, problem+json shown at the field it names, the
// polite announcer, focus on the new view's heading, and times typed on the meeting's calendar.

import { download, messageOf } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { zoneText } from "../lib/format.js";
import { t } from "./i18n.js";

let fieldIds = 0;

// A labelled input (or select/textarea when given `tag`); `help` becomes its description.
export function field(label, attrs = {}, { tag = "input", help, options } = {}) {
  const id = attrs.id || `f${++fieldIds}`;
  const helpId = help ? `${id}-help` : undefined;
  const control =
    tag === "select"
      ? h("select", { ...attrs, id, "aria-describedby": helpId }, options.map(([value, text]) => h("option", { value, selected: String(attrs.value ?? "") === String(value) }, text)))
      : h(tag, { ...attrs, id, "aria-describedby": helpId }, tag === "textarea" ? attrs.value || "" : null);
  if (tag === "select") control.value = attrs.value ?? options[0]?.[0] ?? "";
  return h("p", { class: "field" }, h("label", { for: id }, label), control, help ? h("small", { id: helpId, class: "muted" }, help) : null);
}

export function announce(message) {
  const region = document.getElementById("announce");
  region.textContent = "";
  // a fresh text node after a tick, so the same message twice is read twice
  setTimeout(() => (region.textContent = message), 30);
}

// What went wrong, in words in the console's language (the APIs' problem+json is English for developers).
export const problemText = (error) => messageOf(error, t());

// A form's problem: the message in an alert, and the field it names marked invalid and focused.
export function showProblem(form, error) {
  const box = form.querySelector(".problem") || form.appendChild(h("p", { class: "problem error", role: "alert" }));
  const problem = error.problem || {};
  box.textContent = problemText(error);
  for (const marked of form.querySelectorAll("[aria-invalid]")) marked.removeAttribute("aria-invalid");
  const name = problem.field && problem.field.split(".")[0];
  const target = name && form.querySelector(`[name="${CSS.escape(name)}"]`);
  if (target) {
    target.setAttribute("aria-invalid", "true");
    target.focus();
  }
}

export function clearProblem(form) {
  form.querySelector(".problem")?.remove();
}

// `ids` with the one at `from` moved to `to` (both 0-based): the agenda's and the speakers' reordering.
export function moved(ids, from, to) {
  const next = ids.slice();
  const [id] = next.splice(from, 1);
  next.splice(to, 0, id);
  return next;
}

// A button that fetches a file from an API with the console's token and hands it to the browser (a
// plain link cannot carry the token). It shows the format; its name says which file, ending in the
// format as a word of its own (so the name contains what is seen). `status` is where progress and
// problems are said.
export function downloadButton({ what, format, base = "", path, fallback, status }) {
  return h(
    "button",
    {
      type: "button",
      class: "secondary",
      "aria-label": t().download(what, format),
      onclick: async (event) => {
        const button = event.currentTarget;
        button.disabled = true;
        status.classList.remove("error");
        status.textContent = t().downloading(what);
        try {
          status.textContent = t().downloaded(await download(base, path, fallback));
        } catch (error) {
          status.classList.add("error");
          status.textContent = problemText(error);
        } finally {
          button.disabled = false;
          button.focus();
        }
      },
    },
    format,
  );
}

// A new view: its heading takes the focus, so a screen reader starts reading there.
export function focusHeading(root) {
  const heading = root.querySelector("h1");
  if (heading) {
    heading.setAttribute("tabindex", "-1");
    heading.focus();
  }
}

// The zone's offset at a wall-clock time, e.g. "+07:00" (DST-aware through Intl).
function offsetAt(wall, timeZone) {
  const [date, time] = wall.split("T");
  const [y, m, d] = date.split("-").map(Number);
  const [hh, mm] = time.split(":").map(Number);
  const guess = new Date(Date.UTC(y, m - 1, d, hh, mm));
  const name = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" })
    .formatToParts(guess)
    .find((p) => p.type === "timeZoneName").value;
  const offset = name.replace("GMT", "");
  return offset === "" ? "+00:00" : offset;
}

// A datetime-local value read on `timeZone`'s calendar, as RFC 3339 with that zone's offset.
export const rfc3339 = (wall, timeZone) => (wall ? `${wall}:00${offsetAt(wall, timeZone)}` : undefined);
// The API gives times in the meeting's zone: the wall-clock part is what a datetime-local shows.
export const wallClock = (iso) => (iso ? iso.slice(0, 16) : "");

export function timeZones() {
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : ["Asia/Ho_Chi_Minh", "UTC"];
  return zones.includes("Asia/Ho_Chi_Minh") ? zones : ["Asia/Ho_Chi_Minh", ...zones];
}

export function when(meeting) {
  const [day, time] = meeting.starts_at.split("T");
  const end = meeting.ends_at.split("T")[1].slice(0, 5);
  return `${day.split("-").reverse().join("/")} ${time.slice(0, 5)}–${end}, ${zoneText(meeting.timezone, meeting.starts_at)}`;
}

export const statusBadge = (status) => h("span", { class: `badge ${status}` }, t().status[status] || status);

// The meeting's own tabs: overview, people, agenda, in the room.
export function tabs(meetingId, current, navigate) {
  const link = (view, label) =>
    h(
      "a",
      {
        href: `/organiser/meetings/${meetingId}${view ? `/${view}` : ""}`,
        "aria-current": current === view ? "page" : undefined,
        onclick: navigate,
      },
      label,
    );
  return h(
    "nav",
    { class: "tabs", "aria-label": t().meetings },
    link("", t().overview),
    link("people", t().people),
    link("agenda", t().agenda),
    link("contributions", t().contributions),
    link("resolutions", t().resolutions),
    link("room", t().room),
    link("results", t().results),
  );
}
