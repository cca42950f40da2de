// Building the page: one element helper, no templates (nothing from the APIs is parsed as HTML except
// a report's body, which meeting_svc renders and sanitises).

export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) element.addEventListener(key.slice(2), value);
    else element.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null && child !== false) element.append(child);
  }
  return element;
}

// The page's Content-Security-Policy refuses inline style attributes; a width set through the DOM is allowed.
export function bar(share) {
  const element = h("span", { class: "bar" });
  element.style.width = `${Math.round(share * 100)}%`;
  return element;
}

// Plain text with its bare web addresses made into links (opened without handing over this page).
export function linkified(text) {
  if (!text) return [];
  return text.split(/(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]])/).map((part, index) =>
    index % 2 ? h("a", { href: part, rel: "noreferrer noopener", target: "_blank" }, part) : part,
  );
}
