// The browser's side of the JSON API: identity, requests, and what happens when things fail.
// The identity is dropped only on a 401 (never on a network error). Switching user aborts every request in
// flight and bumps a generation number, so a late answer for the previous user is thrown away unseen.

const KEY = "airfit.identity";
const listeners = new Set();
let identity = load();
let generation = 0;
let inFlight = new Set();
let online = true;
let retryTick = 0;
let probe = null;
let signOutReason = "";
let me = null;
let knownMe = null;

function load() {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) || "null");
    return value && (value.user || value.token) ? value : null;
  } catch (e) {
    return null;
  }
}

function emit() {
  for (const fn of listeners) fn();
}

export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export const getIdentity = () => identity;
export const isOnline = () => online;
export const getRetryTick = () => retryTick;
export const getSignOutReason = () => signOutReason;

/** Sign in as someone (or out, with `null`), forgetting everything that belonged to the previous user. */
export function setIdentity(next, reason = "") {
  identity = next;
  signOutReason = next ? "" : reason;
  generation += 1;
  me = null;
  knownMe = null;
  for (const controller of inFlight) controller.abort();
  inFlight = new Set();
  try {
    if (next) localStorage.setItem(KEY, JSON.stringify(next));
    else localStorage.removeItem(KEY);
  } catch (e) {
    /* private mode: the identity lives for this tab only */
  }
  emit();
}

/** Thrown for answers that belong to a previous identity; views ignore it. */
export class Stale extends Error {}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function markOnline(value) {
  if (online === value) return;
  online = value;
  if (!value && !probe) probe = setInterval(checkServer, 5000);
  if (value && probe) {
    clearInterval(probe);
    probe = null;
    retryTick += 1;
  }
  emit();
}

/** Something could not be fetched (a module, not only an API call): show the banner and start probing. */
export const lostServer = () => markOnline(false);

/** Try the server now (the banner's Retry button, and every 5 s while it is down). */
export async function checkServer() {
  try {
    const res = await fetch("health", { cache: "no-store" });
    if (res.ok) markOnline(true);
  } catch (e) {
    /* still down */
  }
}

// Sent on every call: the server refuses a browser's state-changing request without it, and a page on another
// site cannot add it without a CORS preflight, which the server never grants.
const CLIENT = { Accept: "application/json", "X-AirFit-Client": "web" };

function headers(extra) {
  const h = { ...CLIENT, ...extra };
  if (identity?.token) h.Authorization = `Bearer ${identity.token}`;
  else if (identity?.user) h["X-User-ID"] = identity.user;
  return h;
}

/** "weight_lbs" -> "Weight", "date" -> "Date": the field a validation message is about, as a person reads it. */
function fieldName(loc) {
  const last = [...(loc || [])].reverse().find((part) => typeof part === "string" && !["body", "query", "path"].includes(part));
  if (!last) return "";
  const words = last.replace(/_(lbs|kg|pct)$/, "").replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function detail(body, status) {
  if (body && typeof body.detail === "string") return body.detail.charAt(0).toUpperCase() + body.detail.slice(1);
  if (body && Array.isArray(body.detail)) {
    return body.detail.map((d) => [fieldName(d.loc), d.msg].filter(Boolean).join(": ")).join("; ");
  }
  return `The server answered ${status}.`;
}

/** One API call; JSON in and out. `anonymous` calls carry no identity (sign-in). */
export async function api(path, { method = "GET", body, anonymous = false, raw = false } = {}) {
  const mine = generation;
  const controller = new AbortController();
  inFlight.add(controller);
  let res;
  try {
    const init = { method, signal: controller.signal, headers: anonymous ? { ...CLIENT } : headers() };
    if (body instanceof Blob) {
      init.body = body;
      init.headers["Content-Type"] = body.type || "application/zip";
    } else if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers["Content-Type"] = "application/json";
    }
    res = await fetch(path.replace(/^\//, ""), init);
  } catch (e) {
    if (mine !== generation) throw new Stale();
    markOnline(false);
    throw new ApiError(0, "The server cannot be reached.");
  } finally {
    inFlight.delete(controller);
  }
  if (mine !== generation) throw new Stale();
  markOnline(true);
  if (res.status === 401 && !anonymous && identity) {
    const data = await res.json().catch(() => null);
    setIdentity(null, `You were signed out: ${detail(data, 401)}. Sign in again.`);
    throw new Stale();
  }
  if (raw && res.ok) return res;
  const data = await res.json().catch(() => null);
  if (mine !== generation) throw new Stale();
  if (!res.ok) throw new ApiError(res.status, detail(data, res.status));
  return data;
}

/** Who is signed in, their zone's today and their units (`GET /me`): fetched once, shared by every view. */
export function loadMe() {
  return me || askMe();
}

/** Ask for `GET /me` again (after changing one's settings, or when the page is looked at again); if that
 * fails (the server is away), later `loadMe` calls get the last answer there was. */
export function refreshMe() {
  return askMe();
}

function askMe() {
  const asked = api("me");
  me = asked;
  asked.then(
    (answer) => {
      if (me === asked) knownMe = answer;
    },
    () => {
      // Only the newest question may fall back: an older one failing later changes nothing.
      if (me === asked) me = knownMe ? Promise.resolve(knownMe) : null;
    },
  );
  return asked;
}
