// The one way the client calls the APIs: bearer token, JSON, If-Match, a patient retry while a
// service is catching up, and problem+json answers turned into an ApiError.

import { config, state } from "./state.js";

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export async function call(base, path, { method = "GET", body, ifMatch } = {}) {
  const headers = {};
  if (ifMatch) headers["If-Match"] = ifMatch;
  if (state.session) headers.Authorization = `Bearer ${state.session.token}`;
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
