// Dates and times as the meeting's calendar shows them.

import { state } from "./state.js";

export function when(meeting) {
  // The API gives times in the meeting's own zone: show them as they are, with the zone's name.
  const [day, time] = meeting.starts_at.split("T");
  const [year, month, date] = day.split("-");
  const end = meeting.ends_at.split("T")[1].slice(0, 5);
  return `${date}/${month}/${year} ${time.slice(0, 5)}–${end} (${meeting.timezone})`;
}

export function deadlineText(iso) {
  const locale = state.lang === "en" ? "en-GB" : "vi-VN";
  const shown = new Date(iso).toLocaleString(locale, {
    timeZone: state.meeting.timezone,
    dateStyle: "short",
    timeStyle: "short",
  });
  return `${shown} (${state.meeting.timezone})`;
}

// A calendar date (YYYY-MM-DD) as DD/MM/YYYY.
export const dateText = (day) => day.split("-").reverse().join("/");
