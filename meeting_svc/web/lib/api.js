// The one way the client calls the APIs: bearer token, JSON, If-Match, a patient retry while a
// service is catching up, and problem+json answers turned into an ApiError.

import { t } from "./i18n.js";
import { config, state } from "./state.js";

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

function authorised(headers = {}) {
  if (state.session) headers.Authorization = `Bearer ${state.session.token}`;
  return headers;
}

export async function call(base, path, { method = "GET", body, ifMatch } = {}) {
  const headers = authorised();
  if (ifMatch) headers["If-Match"] = ifMatch;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const send = () => fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  let response = await send();
  // 503 with Retry-After: the service is catching up (e.g. a participant invited a moment ago is not
  // known there yet); try again a few times before giving up.
  for (let attempt = 0; response.status === 503 && response.headers.has("Retry-After") && attempt < 10; attempt++) {
    const seconds = Number(response.headers.get("Retry-After")) || 1;
    await new Promise((resolve) => setTimeout(resolve, Math.min(seconds, 5) * 1000));
    response = await send();
  }
  const data = response.status === 204 ? null : await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, data || {});
  return data;
}

export const meetingApi = (path, options) => call("", `/api/v1${path}`, options);
export const resolutionApi = (path, options) => call(config.resolutionApi, `/api/v1${path}`, options);

// The file name a Content-Disposition header gives (RFC 6266: `filename*` in UTF-8 first), or null.
export function fileNameOf(disposition) {
  if (!disposition) return null;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
  if (extended) return decodeURIComponent(extended[1].trim());
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1].trim() : null;
}

// A file from an API saved by the browser. The APIs want the bearer token, which a plain link cannot
// carry: the file is fetched here and handed to the browser as a Blob under the name the API gives it
// (`fallback` when it gives none). Errors are thrown as ApiError, as `call` throws them.
export async function download(base, path, fallback) {
  const response = await fetch(base + path, { headers: authorised() });
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => ({})));
  const blob = await response.blob();
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = fileNameOf(response.headers.get("Content-Disposition")) || fallback;
  document.body.append(link);
  link.click();
  link.remove();
  // the browser has taken the file once the click is handled; the address is then no longer needed
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
  return link.download;
}

// What went wrong, in the reader's language: the APIs' problem+json is for developers (English, naming
// schema paths), so the page says it in words and names the field as the form labels it. `text` is the
// page's strings (the participant page's by default; the console passes its own), with `problems` and
// `fields` in it.
export function messageOf(error, text = t()) {
  const words = text.problems;
  if (!(error instanceof ApiError)) return words.network;
  const field = error.problem && error.problem.field;
  const label = field ? text.fields[field.replace(/^body\./, "").split(/[.[]/)[0]] || field : null;
  switch (error.status) {
    case 401:
      return words.sessionEnded;
    case 403:
      return words.notAllowed;
    case 404:
      return words.notFound;
    case 409:
      return error.problem.self_check_in === false && text.atDesk ? text.atDesk : words.state;
    case 412:
    case 428:
      return words.conflict;
    case 413:
      return words.tooLong(text.fields.body);
    case 400:
    case 422:
      if (!label) return words.other;
      return /length|long|size/i.test(error.problem.detail || "") ? words.tooLong(label) : words.invalid(label);
    default:
      return error.status >= 500 ? words.unavailable : words.other;
  }
}
