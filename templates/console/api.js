// The Clarion HTTP API: JSON in and out, errors as {error: {code, message, details}}.
import {session} from "./auth.js";

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    Object.assign(this, {status, code, details: details || []});
  }
}

export async function call(method, path, body, {idempotencyKey, etag} = {}) {
  const headers = {Authorization: `Bearer ${await session.token()}`};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
  if (etag) headers["If-None-Match"] = etag;
  let response;
  try {
    // Relative to the console's address, so it works under API Gateway's stage path (/api/) too.
    response = await fetch(new URL(path.replace(/^\//, ""), document.baseURI), {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
  } catch {
    throw new ApiError(0, "offline", "Clarion could not be reached. Check the connection and try again.");
  }
  if (response.status === 304) return {notModified: true, etag};
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (data && data.error) || {};
    if (response.status === 401) session.expired();
    throw new ApiError(response.status, error.code || "error",
                       error.message || `Clarion answered ${response.status}`, error.details);
  }
  if (data && typeof data === "object") Object.defineProperty(data, "etag", {value: response.headers.get("ETag")});
  return data;
}

export const get = (path, options) => call("GET", path, undefined, options);
export const post = (path, body, options) => call("POST", path, body, options);
export const put = (path, body) => call("PUT", path, body);

export function query(params) {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== "");
  return entries.length ? "?" + new URLSearchParams(entries).toString() : "";
}

/** A key for one launch: kept across retries of that launch, new for the next one. */
export function newKey() {
  return "console-" + crypto.randomUUID();
}

// -- files (CSV, PDF): fetched with the bearer token, then saved by the browser -------------------
/** A file the API answers (CSV, PDF) as a Blob, with the answer's headers. */
export async function fetchFile(path, accept = "*/*") {
  const headers = {Authorization: `Bearer ${await session.token()}`, Accept: accept};
  let response;
  try {
    response = await fetch(new URL(path.replace(/^\//, ""), document.baseURI), {headers});
  } catch {
    throw new ApiError(0, "offline", "Clarion could not be reached. Check the connection and try again.");
  }
  if (!response.ok) {
    const error = ((await response.json().catch(() => null)) || {}).error || {};
    if (response.status === 401) session.expired();
    throw new ApiError(response.status, error.code || "error",
                       error.message || `Clarion answered ${response.status}`, error.details);
  }
  return {blob: await response.blob(), headers: response.headers};
}

/** Save a Blob as a file: a temporary object URL and a link with `download`, clicked once. */
export function saveFile(blob, filename) {
  const href = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement("a"), {href, download: filename, hidden: true});
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60000);
}

/** download("/deliveries?format=csv", "deliveries.csv", "text/csv"): fetch and save; the headers come back. */
export async function download(path, filename, accept = "*/*") {
  const {blob, headers} = await fetchFile(path, accept);
  saveFile(blob, filename);
  return headers;
}
