// People: the department tree (block → department), the participants table (search, filters, sort and
// pages done by the API, so 2,000 rows stay quick), editing a person, the CSV import with its preview,
// and invitations with their status per person.

import { meetingApi } from "../../lib/api.js";
import { h } from "../../lib/dom.js";
import { state } from "../../lib/state.js";
import { pick, t } from "../i18n.js";
import { announce, clearProblem, field, showProblem, tabs } from "../ui.js";

const PAGE = 50;
const ROLES = ["chair", "secretary", "voting_member", "department_representative", "observer"];
const VOTERS = ["chair", "voting_member", "department_representative"];

// The departments as blocks with their departments under them (a department without a block stands alone).
export function tree(departments) {
  const blocks = departments.filter((d) => !d.parent_id || !departments.some((p) => p.id === d.parent_id));
  return blocks.map((block) => ({ ...block, children: departments.filter((d) => d.parent_id === block.id) }));
}

function invitationText(invitation) {
  if (!invitation) return "";
  if (!invitation.link_active) return t().invitationStatus.revoked;
  if (invitation.opened_at) return t().invitationStatus.opened;
  return t().invitationStatus[invitation.status];
}

// The status cell; a bounced invitation carries the mail server's answer on hover and for screen readers.
function invitationCell(invitation) {
  const text = invitationText(invitation);
  if (text !== t().invitationStatus.bounced || !invitation.bounce_reason) return h("td", {}, text);
  return h("td", { title: invitation.bounce_reason }, text, h("span", { class: "visually-hidden" }, ` — ${invitation.bounce_reason}`));
}

export async function renderPeople(view, { meetingId, navigate }) {
  const [meeting, { items: departments }] = await Promise.all([meetingApi(`/meetings/${meetingId}`), meetingApi("/departments")]);
  const query = { q: "", department_id: "", role: "", rsvp: "", present: "", invitation: "", sort: "name", offset: 0 };
  let invitations = {};
  const names = Object.fromEntries(departments.map((d) => [d.id, d.code ? `${d.code} · ${pick(d.name)}` : pick(d.name)]));
  const departmentOptions = [["", t().all], ...tree(departments).flatMap((b) => [[b.id, names[b.id]], ...b.children.map((c) => [c.id, `— ${names[c.id]}`])])];

  // --- departments ---------------------------------------------------------------------------------
  const deptForm = h(
    "form",
    {
      class: "inline-form",
      "aria-labelledby": "add-department",
      onsubmit: async (event) => {
        event.preventDefault();
        clearProblem(deptForm);
        const data = new FormData(deptForm);
        try {
          await meetingApi("/departments", {
            method: "POST",
            body: {
              name: { vi: data.get("name_vi").trim(), en: data.get("name_en").trim() },
              code: data.get("code").trim() || null,
              parent_id: data.get("parent_id") || null,
            },
          });
          announce(t().added);
          await renderPeople(view, { meetingId, navigate });
          view.querySelector("#add-department").focus();
        } catch (error) {
          showProblem(deptForm, error);
        }
      },
    },
    h("h3", { id: "add-department", tabindex: "-1" }, t().addDepartment),
    field(t().code, { name: "code", maxlength: 40 }),
    field(t().nameVi, { name: "name_vi", lang: "vi" }),
    field(t().nameEn, { name: "name_en", lang: "en" }),
    field(t().parent, { name: "parent_id" }, { tag: "select", options: [["", t().noBlock], ...departments.filter((d) => !d.parent_id).map((d) => [d.id, names[d.id]])] }),
    h("button", { type: "submit", class: "secondary" }, t().addDepartment),
  );
  const deptSection = h(
    "section",
    { class: "card", "aria-labelledby": "departments" },
    h("h2", { id: "departments" }, t().departments),
    h("ul", { class: "tree" }, tree(departments).map((b) => h("li", {}, names[b.id], b.children.length ? h("ul", {}, b.children.map((c) => h("li", {}, names[c.id]))) : null))),
    h("details", {}, h("summary", {}, t().addDepartment), deptForm),
  );

  // --- the participants table ------------------------------------------------------------------------
  const status = h("p", { class: "muted", "aria-live": "polite" });
  const body = h("tbody");
  const pager = h("p", { class: "actions" });
  const filters = h(
    "form",
    { class: "filters", role: "search", onsubmit: (event) => event.preventDefault() },
    field(t().search, { name: "q", type: "search", value: query.q }),
    field(t().department, { name: "department_id" }, { tag: "select", options: departmentOptions }),
    field(t().role, { name: "role" }, { tag: "select", options: [["", t().all], ...ROLES.map((r) => [r, t().roles[r]])] }),
    field(t().rsvp, { name: "rsvp" }, { tag: "select", options: [["", t().all], ...Object.entries(t().rsvps)] }),
    field(t().presence, { name: "present" }, { tag: "select", options: [["", t().all], ["true", t().yes], ["false", t().no]] }),
    field(t().invitation, { name: "invitation" }, { tag: "select", options: [["", t().all], ...Object.entries(t().invitationStatus)] }),
    field(t().sort, { name: "sort" }, { tag: "select", options: Object.entries(t().sorts) }),
  );
  let typing;
  filters.addEventListener("input", (event) => {
    clearTimeout(typing);
    // typing in the search box waits for a pause; the selects apply at once
    typing = setTimeout(() => {
      for (const [key, value] of new FormData(filters)) query[key] = value;
      query.offset = 0;
      load();
    }, event.target.type === "search" ? 250 : 0);
  });

  async function load() {
    const params = new URLSearchParams({ limit: PAGE, offset: query.offset, sort: query.sort });
    for (const key of ["q", "department_id", "role", "rsvp", "present", "invitation"]) if (query[key]) params.set(key, query[key]);
    // the invitations of the same page, not the whole meeting's (2,000 of them, on every keystroke)
    const [page, invited] = await Promise.all([
      meetingApi(`/meetings/${meetingId}/participants?${params}`),
      meetingApi(`/meetings/${meetingId}/invitations?${params}`),
    ]);
    invitations = Object.fromEntries(invited.items.map((i) => [i.participant_id, i]));
    body.replaceChildren(...page.items.map(personRow));
    status.textContent = t().shown(page.items.length, page.total);
    pager.replaceChildren(
      h("button", { type: "button", class: "secondary", disabled: query.offset === 0, onclick: () => ((query.offset -= PAGE), load()) }, t().previous),
      h("button", { type: "button", class: "secondary", disabled: query.offset + PAGE >= page.total, onclick: () => ((query.offset += PAGE), load()) }, t().next),
    );
  }

  function personRow(p) {
    const invitation = invitations[p.id];
    const row = h(
      "tr",
      { "data-participant": p.id },
      h(
        "th",
        { scope: "row" },
        p.name,
        p.email ? h("br") : null,
        p.email ? h("small", { class: "muted" }, p.email) : null,
        p.proxy_holder_id ? h("br") : null,
        p.proxy_holder_id ? h("small", { class: "badge" }, t().hasProxy) : null,
      ),
      h("td", {}, names[p.department_id] || ""),
      h("td", {}, t().roles[p.role]),
      h("td", {}, String(p.weight)),
      h("td", {}, t().rsvps[p.rsvp || "none"]),
      h("td", {}, p.present ? t().yes : t().no),
      invitationCell(invitation),
      h(
        "td",
        { class: "row-actions" },
        h("button", { type: "button", class: "secondary", "aria-label": `${t().edit}: ${p.name}`, onclick: () => editRow(row, p) }, t().edit),
        invitation?.status === "sent" || invitation?.status === "bounced"
          ? h("button", { type: "button", class: "secondary", "aria-label": `${t().resend}: ${p.name}`, onclick: () => send([p.id], true) }, t().resend)
          : null,
        invitation?.link_active
          ? h("button", { type: "button", class: "secondary", "aria-label": `${t().revoke}: ${p.name}`, onclick: () => revoke(p) }, t().revoke)
          : null,
      ),
    );
    return row;
  }

  // Who may hold a vote by proxy: the meeting's voting members, as "Name — email" (namesakes exist).
  let holders = null;
  const holderLabel = (q) => (q.email ? `${q.name} — ${q.email}` : q.name);
  async function loadHolders() {
    if (!holders) {
      const everyone = (await meetingApi(`/meetings/${meetingId}/participants`)).items;
      holders = everyone.filter((q) => VOTERS.includes(q.role));
    }
    return holders;
  }

  async function saveProxy(p, label) {
    const holder = label ? (await loadHolders()).find((q) => holderLabel(q) === label) : null;
    if (label && !holder) throw { problem: { detail: t().noSuchHolder, field: "proxy" } };
    if (holder && holder.id !== p.proxy_holder_id) {
      if (p.proxy_holder_id) await meetingApi(`/meetings/${meetingId}/participants/${p.id}/proxy`, { method: "DELETE" });
      await meetingApi(`/meetings/${meetingId}/participants/${p.id}/proxy`, { method: "POST", body: { holder_id: holder.id } });
    } else if (!holder && p.proxy_holder_id) {
      await meetingApi(`/meetings/${meetingId}/participants/${p.id}/proxy`, { method: "DELETE" });
    }
  }

  async function editRow(row, p) {
    const voters = await loadHolders();
    const current = voters.find((q) => q.id === p.proxy_holder_id);
    const listId = `holders-${p.id}`;
    const form = h(
      "form",
      {
        class: "inline-form",
        "aria-label": `${t().edit}: ${p.name}`,
        onsubmit: async (event) => {
          event.preventDefault();
          clearProblem(form);
          const data = new FormData(form);
          try {
            await meetingApi(`/meetings/${meetingId}/participants/${p.id}`, {
              method: "PATCH",
              body: {
                name: data.get("name").trim(),
                email: data.get("email").trim() || null,
                role: data.get("role"),
                weight: Number(data.get("weight")),
                department_id: data.get("department_id") || null,
              },
            });
            holders = null; // a role may have changed who can hold a vote
            await saveProxy(p, data.get("proxy").trim());
            announce(t().saved);
            await load();
            body.querySelector(`[data-participant="${p.id}"] button`)?.focus();
          } catch (error) {
            showProblem(form, error);
          }
        },
      },
      field(t().name, { name: "name", value: p.name, required: true }),
      // an address put right here, then "Resend", is how a bounced invitation reaches its person
      field(t().email, { name: "email", type: "email", value: p.email || "", autocomplete: "off" }),
      field(t().role, { name: "role", value: p.role }, { tag: "select", options: ROLES.map((r) => [r, t().roles[r]]) }),
      field(t().weight, { name: "weight", type: "number", min: 0, value: p.weight }),
      field(t().department, { name: "department_id", value: p.department_id || "" }, { tag: "select", options: [["", "—"], ...departmentOptions.slice(1)] }),
      field(t().proxy, { name: "proxy", list: listId, value: current ? holderLabel(current) : "", autocomplete: "off" }, { help: t().proxyHelp }),
      h("datalist", { id: listId }, voters.filter((q) => q.id !== p.id).map((q) => h("option", { value: holderLabel(q) }))),
      h("p", { class: "actions" }, h("button", { type: "submit", class: "primary" }, t().save), h("button", { type: "button", class: "secondary", onclick: () => load() }, t().cancel)),
    );
    row.replaceChildren(h("td", { colspan: 8 }, form));
    form.querySelector("input").focus();
  }

  async function send(ids, resend = false) {
    const answer = await meetingApi(`/meetings/${meetingId}/invitations:send`, { method: "POST", body: ids ? { participant_ids: ids, resend } : {} });
    announce(t().sent(answer.sent));
    await load();
  }

  async function revoke(p) {
    await meetingApi(`/meetings/${meetingId}/participants/${p.id}/invite`, { method: "DELETE" });
    announce(`${t().revoke}: ${p.name}`);
    await load();
  }

  // --- CSV import ------------------------------------------------------------------------------------
  const report = h("div", { class: "preview", "aria-live": "polite" });
  const importForm = h(
    "form",
    { class: "card", "aria-labelledby": "import", onsubmit: (event) => event.preventDefault() },
    h("h2", { id: "import" }, t().importTitle),
    field(t().csvFile, { name: "file", type: "file", accept: ".csv,text/csv" }, { help: t().importHelp }),
    h("p", { class: "actions" }, h("button", { type: "button", class: "secondary", onclick: () => csv("preview") }, t().preview)),
    report,
  );

  async function csv(step) {
    clearProblem(importForm);
    const file = importForm.querySelector('input[type="file"]').files[0];
    if (!file) return showProblem(importForm, { problem: { detail: t().csvFile, field: "file" } });
    const text = await file.text();
    const response = await fetch(`/api/v1/meetings/${meetingId}/participants:${step}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${state.session.token}`, "Content-Type": "text/csv" },
      body: text,
    });
    const answer = await response.json();
    if (step === "import") {
      if (!response.ok) return showProblem(importForm, { problem: answer });
      report.replaceChildren(h("p", { class: "ok" }, t().imported(answer.created)));
      announce(t().imported(answer.created));
      return load();
    }
    if (!response.ok) return showProblem(importForm, { problem: answer });
    report.replaceChildren(
      h("p", {}, t().previewRows(answer.rows.length)),
      answer.errors.length
        ? h(
            "div",
            {},
            h("p", { class: "error", role: "alert" }, t().previewErrors(answer.errors.length)),
            h(
              "table",
              { class: "errors" },
              h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t().row), h("th", { scope: "col" }, t().field), h("th", { scope: "col" }, t().problem))),
              h("tbody", {}, answer.errors.map((e) => h("tr", {}, h("td", {}, String(e.row)), h("td", {}, e.field), h("td", {}, e.detail)))),
            ),
          )
        : null,
      answer.importable ? h("button", { type: "button", class: "primary", onclick: () => csv("import") }, t().importNow) : null,
    );
  }

  view.replaceChildren(
    h("h1", {}, pick(meeting.title)),
    tabs(meetingId, "people", navigate),
    deptSection,
    h(
      "section",
      { class: "card", "aria-labelledby": "participants" },
      h("h2", { id: "participants" }, t().participants),
      filters,
      h("p", { class: "actions" }, h("button", { type: "button", class: "primary", onclick: () => send(null) }, t().sendInvitations)),
      status,
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "people" },
          h("caption", { class: "visually-hidden" }, t().participants),
          h(
            "thead",
            {},
            h("tr", {}, ...[t().name, t().department, t().role, t().weight, t().rsvp, t().presence, t().invitation, t().actions].map((c) => h("th", { scope: "col" }, c))),
          ),
          body,
        ),
      ),
      pager,
    ),
    importForm,
  );
  await load();
}
