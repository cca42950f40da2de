// The organisation's departments by name, asked of the meeting service once, the first time a name is
// wanted, and kept for the page's life.

import { meetingApi } from "./api.js";
import { pick, t } from "./i18n.js";

const names = {};
let asked = false;

// "…" until the names arrive; then `redraw` draws the part that shows them again.
export function departmentName(id, redraw) {
  if (!id) return t().organiserNote;
  if (!asked) {
    asked = true;
    meetingApi("/departments")
      .then((list) => {
        for (const d of list.items) names[d.id] = pick(d.name);
        redraw();
      })
      .catch((error) => console.warn("departments", error));
  }
  return names[id] || "…";
}
