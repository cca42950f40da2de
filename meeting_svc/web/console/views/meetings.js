// The organisation's meetings (upcoming, in progress, past) and a new one.

import { meetingApi } from "../../lib/api.js";
import { h } from "../../lib/dom.js";
import { pick, t } from "../i18n.js";
import { announce, clearProblem, field, rfc3339, showProblem, statusBadge, timeZones, when } from "../ui.js";

export function groups(meetings, now = new Date()) {
  const upcoming = [];
  const running = [];
  const past = [];
  for (const m of meetings) {
    if (m.status === "in_progress") running.push(m);
    else if (m.status === "ended" || m.status === "cancelled" || new Date(m.ends_at) < now) past.push(m);
    else upcoming.push(m);
  }
  upcoming.sort((a, b) => new Date(a.starts_at) - new Date(b.starts_at));
  return [
    [t().inProgress, running],
    [t().upcoming, upcoming],
    [t().past, past],
  ];
}

// The fields a meeting is created and edited with (bilingual, time zone, venue, online link).
export function meetingFields(meeting = {}) {
  const zone = meeting.timezone || "Asia/Ho_Chi_Minh";
  return [
    field(t().titleVi, { name: "title_vi", value: meeting.title?.vi || "", lang: "vi" }),
    field(t().titleEn, { name: "title_en", value: meeting.title?.en || "", lang: "en" }),
    field(t().descriptionVi, { name: "description_vi", value: meeting.description?.vi || "", lang: "vi", rows: 3 }, { tag: "textarea" }),
    field(t().descriptionEn, { name: "description_en", value: meeting.description?.en || "", lang: "en", rows: 3 }, { tag: "textarea" }),
    field(t().startsAt, { name: "starts_at", type: "datetime-local", required: true, value: meeting.starts_at?.slice(0, 16) || "" }),
    field(t().endsAt, { name: "ends_at", type: "datetime-local", required: true, value: meeting.ends_at?.slice(0, 16) || "" }),
    field(t().timezone, { name: "timezone", value: zone }, { tag: "select", options: timeZones().map((z) => [z, z]) }),
    field(t().venue, { name: "venue", value: meeting.venue?.name || "" }),
    field(t().venueAddress, { name: "venue_address", value: meeting.venue?.address || "" }),
    field(t().onlineUrl, { name: "online_url", type: "url", value: meeting.online_url || "" }),
  ];
}

// The form's values as the API's meeting body.
export function meetingBody(form) {
  const data = new FormData(form);
  const zone = data.get("timezone");
  const venue = data.get("venue").trim();
  return {
    title: { vi: data.get("title_vi").trim(), en: data.get("title_en").trim() },
    description: { vi: data.get("description_vi").trim(), en: data.get("description_en").trim() },
    starts_at: rfc3339(data.get("starts_at"), zone),
    ends_at: rfc3339(data.get("ends_at"), zone),
    timezone: zone,
    venue: venue ? { name: venue, address: data.get("venue_address").trim() } : null,
    online_url: data.get("online_url").trim() || null,
  };
}

export async function renderMeetings(view, { navigate, go }) {
  const { items } = await meetingApi("/meetings?limit=500");
  const form = h(
    "form",
    {
      class: "card",
      "aria-labelledby": "new-meeting",
      onsubmit: async (event) => {
        event.preventDefault();
        clearProblem(form);
        try {
          const created = await meetingApi("/meetings", { method: "POST", body: meetingBody(form) });
          announce(t().created);
          go(`/organiser/meetings/${created.id}`);
        } catch (error) {
          showProblem(form, error);
        }
      },
    },
    h("h2", { id: "new-meeting" }, t().newMeeting),
    ...meetingFields(),
    h("button", { type: "submit", class: "primary" }, t().create),
  );
  view.replaceChildren(
    h("h1", {}, t().meetings),
    ...groups(items).map(([title, list]) =>
      h(
        "section",
        { class: "card", "aria-label": title },
        h("h2", {}, title),
        list.length
          ? h(
              "ul",
              { class: "meetings" },
              list.map((m) =>
                h(
                  "li",
                  {},
                  h("a", { href: `/organiser/meetings/${m.id}`, onclick: navigate }, pick(m.title)),
                  " ",
                  statusBadge(m.status),
                  h("br"),
                  h("small", { class: "muted" }, when(m)),
                ),
              ),
            )
          : h("p", { class: "muted" }, t().none),
      ),
    ),
    form,
  );
}
