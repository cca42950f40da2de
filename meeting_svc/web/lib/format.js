// Dates and times, all in one form (DD/MM/YYYY HH:MM) on the meeting's own calendar, and its time
// zone said in words with its offset ("giờ Việt Nam (GMT+7)").

import { t } from "./i18n.js";
import { state } from "./state.js";

// Making a formatter is the costly part (a time zone's rules are read the first time): one per zone,
// kept, as the page formats every date of the agenda, the polls and the reports on each redraw.
const formatters = new Map();
function formatter(key, make) {
  if (!formatters.has(key)) formatters.set(key, make());
  return formatters.get(key);
}

function parts(iso, timeZone) {
  const format = formatter(
    `parts ${timeZone}`,
    () =>
      new Intl.DateTimeFormat("en-GB", {
        timeZone,
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      }),
  );
  const fields = format.formatToParts(new Date(iso));
  return Object.fromEntries(fields.map((part) => [part.type, part.value]));
}

const zone = () => state.meeting.timezone;

export function dateTime(iso) {
  const p = parts(iso, zone());
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

export function clock(iso, timeZone = zone()) {
  const p = parts(iso, timeZone);
  return `${p.hour}:${p.minute}`;
}

// A calendar date (YYYY-MM-DD, no zone) in the same form.
export const dateText = (day) => day.split("-").reverse().join("/");

// The offset is the one at `at` (the moment being told), which differs across a summer-time change.
// servicekit/zones.py says zones the same way in the minutes, the invite page and the emails.
export function zoneText(timeZone = zone(), at = Date.now()) {
  const offset = formatter(
    `offset ${timeZone}`,
    () => new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "shortOffset" }),
  )
    .formatToParts(new Date(at))
    .find((part) => part.type === "timeZoneName").value;
  const name = t().zones[timeZone];
  return name ? `${name} (${offset})` : `${timeZone.split("/").pop().replace(/_/g, " ")} (${offset})`;
}

export function when(meeting) {
  return `${dateTime(meeting.starts_at)}–${clock(meeting.ends_at)}, ${zoneText(meeting.timezone, meeting.starts_at)}`;
}

// The first formatter for any time zone loads the zone rules, most of the cost of the first date drawn
// (tens of ms on a slow phone): the page makes one while it still waits for the network.
export function warmUp() {
  zoneText("UTC");
  clock(new Date().toISOString(), "UTC");
}

export const deadlineText = (iso) => `${dateTime(iso)}, ${zoneText(zone(), iso)}`;

export const percent = (share) =>
  formatter(
    `percent ${state.lang}`,
    () => new Intl.NumberFormat(state.lang === "en" ? "en-GB" : "vi-VN", { style: "percent", maximumFractionDigits: 1 }),
  ).format(share);
