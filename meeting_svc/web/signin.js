// The organisers' sign-in page (/login): email and password, a forgotten password, a reset link
// (/login#reset=…, in the fragment so no server log sees it), single sign-on when configured. The
// browser keeps only the HttpOnly session cookie; this page holds the session's CSRF token in memory.

import { h } from "./lib/dom.js";

const config = JSON.parse(document.getElementById("config").textContent);
const languageKey = "hoinghi.language";

const TEXT = {
  vi: {
    title: "Đăng nhập Ban tổ chức",
    email: "Địa chỉ email",
    password: "Mật khẩu",
    signIn: "Đăng nhập",
    sso: "Đăng nhập một lần (SSO)",
    forgot: "Quên mật khẩu?",
    forgotTitle: "Đặt lại mật khẩu",
    sendLink: "Gửi liên kết đặt lại",
    linkSent: "Nếu địa chỉ này thuộc một tài khoản Ban tổ chức, liên kết đặt lại mật khẩu đã được gửi tới đó.",
    back: "Quay lại đăng nhập",
    newPassword: "Mật khẩu mới (ít nhất 12 ký tự)",
    setPassword: "Đặt mật khẩu mới",
    signedInAs: (name, org) => `Đã đăng nhập: ${name} (${org})`,
    console: "Mở trang điều hành",
    signOut: "Đăng xuất",
    signOutEverywhere: "Đăng xuất trên mọi thiết bị",
    signedOut: "Đã đăng xuất.",
    wrong: "Email hoặc mật khẩu không đúng.",
    locked: (s) => `Quá nhiều lần thử không thành công. Vui lòng thử lại sau ${s} giây.`,
    weak: "Mật khẩu mới cần ít nhất 12 ký tự.",
    expired: "Liên kết đã được dùng hoặc đã hết hạn. Vui lòng yêu cầu liên kết mới.",
    ssoFailed: "Đăng nhập một lần không thành công.",
    failed: "Không thực hiện được. Vui lòng thử lại.",
    other: "English",
  },
  en: {
    title: "Organiser sign-in",
    email: "Email address",
    password: "Password",
    signIn: "Sign in",
    sso: "Single sign-on (SSO)",
    forgot: "Forgot your password?",
    forgotTitle: "Reset your password",
    sendLink: "Send a reset link",
    linkSent: "If this address belongs to an organiser account, a password reset link has been sent to it.",
    back: "Back to sign-in",
    newPassword: "New password (at least 12 characters)",
    setPassword: "Set the new password",
    signedInAs: (name, org) => `Signed in: ${name} (${org})`,
    console: "Open the console",
    signOut: "Sign out",
    signOutEverywhere: "Sign out everywhere",
    signedOut: "Signed out.",
    wrong: "Wrong email or password.",
    locked: (s) => `Too many failed attempts. Please try again in ${s} seconds.`,
    weak: "The new password needs at least 12 characters.",
    expired: "This link was used or has expired. Please ask for a new one.",
    ssoFailed: "Single sign-on failed.",
    failed: "That did not work. Please try again.",
    other: "Tiếng Việt",
  },
};

let lang = localStorage.getItem(languageKey) === "en" ? "en" : "vi";
const t = () => TEXT[lang];
const app = document.getElementById("app");
let resetToken = null;
let view = "signIn";

// A reset link's secret, taken from the fragment and removed from the address bar (and history) at once;
// also when the link is opened over this very page, which then is not loaded again.
function takeResetLink() {
  const token = new URLSearchParams(location.hash.slice(1)).get("reset");
  if (location.hash) history.replaceState(null, "", location.pathname + location.search);
  if (token) {
    resetToken = token;
    view = "reset";
  }
  return Boolean(token);
}

takeResetLink();
window.addEventListener("hashchange", () => {
  if (takeResetLink()) show();
});
let session = null;
let notice = new URLSearchParams(location.search).get("error") ? "ssoFailed" : null;

async function auth(path, { method = "POST", body } = {}) {
  const headers = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (session) headers["X-CSRF-Token"] = session.csrf_token;
  const response = await fetch(path, { method, headers, credentials: "same-origin", body: body && JSON.stringify(body) });
  const data = response.status === 204 || response.status === 202 ? null : await response.json().catch(() => ({}));
  return { response, data };
}

function message(response, data) {
  if (response.status === 429) return t().locked(response.headers.get("Retry-After") || "60");
  if (response.status === 401) return t().wrong;
  if (response.status === 410) return t().expired;
  if (response.status === 422 && data && data.field === "password") return t().weak;
  return t().failed;
}

function field(id, label, type, autocomplete) {
  return h("label", { for: id }, label, h("input", { id, name: id, type, autocomplete, required: true }));
}

function form(onsubmit, ...children) {
  return h("form", { class: "report-form", onsubmit: (event) => { event.preventDefault(); onsubmit(event.target); } }, ...children);
}

async function signIn(formElement) {
  const body = { email: formElement.email.value.trim(), password: formElement.password.value };
  const { response, data } = await auth("/auth/sign-in", { body });
  if (!response.ok) return say(message(response, data));
  location.assign(config.console);
}

async function requestReset(formElement) {
  await auth("/auth/password-reset", { body: { email: formElement.email.value.trim(), language: lang } });
  view = "signIn";
  show(t().linkSent, "status");
}

async function completeReset(formElement) {
  const { response, data } = await auth("/auth/password-reset/complete", {
    body: { token: resetToken, password: formElement.password.value },
  });
  if (!response.ok) return say(message(response, data));
  location.assign(config.console);
}

async function signOut(everywhere) {
  await auth(everywhere ? "/auth/sign-out-everywhere" : "/auth/sign-out");
  session = null;
  view = "signIn";
  show(t().signedOut, "status");
}

function content() {
  const words = t();
  if (session) {
    const who = session.organiser;
    return [
      h("p", {}, words.signedInAs(who.name, who.organisation_name)),
      h("p", { class: "actions" },
        h("a", { href: config.console }, words.console), " ",
        h("button", { type: "button", class: "secondary", onclick: () => signOut(false) }, words.signOut), " ",
        h("button", { type: "button", class: "secondary", onclick: () => signOut(true) }, words.signOutEverywhere)),
    ];
  }
  if (view === "reset") {
    return [form(completeReset, field("password", words.newPassword, "password", "new-password"),
      h("p", { class: "actions" }, h("button", { type: "submit", class: "primary" }, words.setPassword)))];
  }
  if (view === "forgot") {
    return [h("h2", {}, words.forgotTitle), form(requestReset, field("email", words.email, "email", "email"),
      h("p", { class: "actions" },
        h("button", { type: "submit", class: "primary" }, words.sendLink),
        h("button", { type: "button", class: "secondary", onclick: () => { view = "signIn"; show(); } }, words.back)))];
  }
  return [
    form(signIn, field("email", words.email, "email", "username"), field("password", words.password, "password", "current-password"),
      h("p", { class: "actions" }, h("button", { type: "submit", class: "primary" }, words.signIn))),
    config.sso ? h("p", {}, h("a", { href: "/auth/oidc/start" }, words.sso)) : null,
    h("p", {}, h("button", { type: "button", class: "secondary", onclick: () => { view = "forgot"; show(); } }, words.forgot)),
  ];
}

// A message in the live region, leaving the form (and what was typed in it) as it is.
function say(text, kind = "error") {
  const region = document.getElementById("notice");
  region.className = kind;
  region.setAttribute("role", kind === "error" ? "alert" : "status");
  region.textContent = text;
}

function show(text = null, kind = "error") {
  if (text === null && notice) text = t()[notice];
  notice = null;
  const words = t();
  document.documentElement.lang = lang;
  app.replaceChildren(
    h("header", {},
      h("h1", { tabindex: "-1" }, words.title),
      h("button", { type: "button", class: "secondary", lang: lang === "vi" ? "en" : "vi",
        onclick: () => { lang = lang === "vi" ? "en" : "vi"; localStorage.setItem(languageKey, lang); show(); } }, words.other)),
    h("p", { id: "notice", class: kind, role: kind === "error" ? "alert" : "status", "aria-live": "polite" }, text || ""),
    h("section", { class: "card" }, ...content()),
  );
  const first = app.querySelector("input") || app.querySelector("h1");
  if (first) first.focus();
}

async function start() {
  if (!resetToken) {
    const { response, data } = await auth("/auth/session", { method: "GET" });
    if (response.ok) session = data;
  }
  show();
}

start();
