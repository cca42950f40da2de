// The organisation's API tokens for other systems: listed (name, scope, made by, when used), made (the
// token is shown once) and revoked.

import { meetingApi } from "../../lib/api.js";
import { h } from "../../lib/dom.js";
import { t } from "../i18n.js";
import { announce, clearProblem, field, showProblem } from "../ui.js";

const shown = (iso) => (iso ? new Date(iso).toLocaleString(document.documentElement.lang === "en" ? "en-GB" : "vi-VN") : "—");

export async function renderTokens(view, context) {
  const { items } = await meetingApi("/api-tokens");
  const fresh = h("div", { "aria-live": "polite" });
  const form = h(
    "form",
    {
      class: "card",
      "aria-labelledby": "new-token",
      onsubmit: async (event) => {
        event.preventDefault();
        clearProblem(form);
        const data = new FormData(form);
        try {
          const made = await meetingApi("/api-tokens", {
            method: "POST",
            body: { name: data.get("name").trim(), scope: data.get("scope"), days: Number(data.get("days")) },
          });
          await renderTokens(view, context);
          const box = view.querySelector("[aria-live]");
          box.replaceChildren(h("p", {}, t().tokenOnce), h("p", {}, h("code", { class: "token" }, made.token)));
          announce(t().tokenOnce);
        } catch (error) {
          showProblem(form, error);
        }
      },
    },
    h("h2", { id: "new-token" }, t().newToken),
    field(t().tokenName, { name: "name", required: true }),
    field(t().scope, { name: "scope", value: "read" }, { tag: "select", options: Object.entries(t().scopes) }),
    field(t().days, { name: "days", type: "number", min: 1, max: 3650, value: 365 }),
    h("button", { type: "submit", class: "primary" }, t().newToken),
    fresh,
  );
  view.replaceChildren(
    h("h1", {}, t().apiTokens),
    h(
      "section",
      { class: "card", "aria-label": t().apiTokens },
      items.length
        ? h(
            "div",
            { class: "table-wrap" },
            h(
              "table",
              {},
              h("caption", { class: "visually-hidden" }, t().apiTokens),
              h("thead", {}, h("tr", {}, ...[t().tokenName, t().scope, t().madeBy, t().createdAt, t().expiresAt, t().lastUsed, t().actions].map((c) => h("th", { scope: "col" }, c)))),
              h(
                "tbody",
                {},
                items.map((token) =>
                  h(
                    "tr",
                    { "data-token": token.id },
                    h("th", { scope: "row" }, token.name || "—"),
                    h("td", {}, t().scopes[token.scope] || token.scope),
                    h("td", {}, token.made_by || "—"),
                    h("td", {}, shown(token.created_at)),
                    h("td", {}, shown(token.expires_at)),
                    h("td", {}, token.last_used_at ? shown(token.last_used_at) : t().never),
                    h(
                      "td",
                      {},
                      h(
                        "button",
                        {
                          type: "button",
                          class: "danger",
                          "aria-label": `${t().revokeToken}: ${token.name || token.id}`,
                          onclick: async () => {
                            await meetingApi(`/api-tokens/${token.id}`, { method: "DELETE" });
                            announce(t().revoked);
                            await renderTokens(view, context);
                          },
                        },
                        t().revokeToken,
                      ),
                    ),
                  ),
                ),
              ),
            ),
          )
        : h("p", { class: "muted" }, t().noTokens),
    ),
    form,
  );
}
