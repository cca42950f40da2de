// Dates and times, all in one form (DD/MM/YYYY HH:MM) on the meeting's own calendar, and its time
// zone said in words with its offset ("giờ Việt Nam (GMT+7)").

import { t } from "./i18n.js";
import { state } from "./state.js";

function parts(iso, timeZone) {
  const fields = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(iso));
  return Object.fromEntries(fields.map((part) => [part.type, part.value]));
}

const zone = () => state.meeting.timezone;

export function dateTime(iso) {
  const p = parts(iso, zone());
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

export function clock(iso) {
  const p = parts(iso, zone());
  return `${p.hour}:${p.minute}`;
}

// A calendar date (YYYY-MM-DD, no zone) in the same form.
export const dateText = (day) => day.split("-").reverse().join("/");

// The offset is the one at `at` (the moment being told), which differs across a summer-time change.
// servicekit/zones.py says zones the same way in the minutes, the invite page and the emails.
export function zoneText(timeZone = zone(), at = Date.now()) {
  const offset = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "shortOffset" })
    .formatToParts(new Date(at))
    .find((part) => part.type === "timeZoneName").value;
  const name = t().zones[timeZone];
  return name ? `${name} (${offset})` : `${timeZone.split("/").pop().replace(/_/g, " ")} (${offset})`;
}

export function when(meeting) {
  return `${dateTime(meeting.starts_at)}–${clock(meeting.ends_at)}, ${zoneText(meeting.timezone, meeting.starts_at)}`;
}

export const deadlineText = (iso) => `${dateTime(iso)}, ${zoneText(zone(), iso)}`;

export const percent = (share) =>
  new Intl.NumberFormat(state.lang === "en" ? "en-GB" : "vi-VN", { style: "percent", maximumFractionDigits: 1 }).format(share);
