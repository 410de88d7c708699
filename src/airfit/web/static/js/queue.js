// Entries logged in this browser (meals, weights) go through a queue kept in IndexedDB, per user, so nothing
// typed is lost while the server cannot be reached: an entry is on disk (the transaction has completed)
// before it is sent, so even a browser killed right after survives it. Each entry carries an idempotency key
// the server stores with it: an entry sent twice (the answer lost on the way back, two tabs, a crash between
// sending and forgetting it) is stored once. The queue is sent at once, again when the server answers again,
// when the app starts, and every 30 s while something waits.
import { useEffect, useState } from "../vendor/hooks.js";
import { api, ApiError, Stale, getIdentity, getRetryTick, subscribe } from "./api.js";

const DB = "airfit";
const STORE = "queue";
const RETRY_MS = 30000;
const listeners = new Set();
let db = null;
let entries = [];
let reads = 0;
let flushing = null;

function open() {
  if (!db) {
    db = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "key" }).createIndex("user", "user");
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  return db;
}

/** Run `work(store)` in one transaction; resolves when it has completed (the data is written). */
async function transaction(mode, work) {
  const tx = (await open()).transaction(STORE, mode);
  const result = work(tx.objectStore(STORE));
  await new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
  return result.result;
}

const me = () => getIdentity()?.user;

/** Read this user's entries into memory (what the views render from) and tell them. Reads may finish out of
 * order; only the latest one started is kept. */
async function reload() {
  const mine = ++reads;
  const user = me();
  const found = user ? await transaction("readonly", (s) => s.index("user").getAll(user)) : [];
  if (mine !== reads) return;
  entries = found.sort((a, b) => a.at - b.at);
  for (const fn of listeners) fn();
}

/** Call `fn` on every queue change; returns the function that stops it. */
export function onQueue(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Render the calling component again whenever the queue changes (entries waiting, sent or refused). */
export function useQueue() {
  const [, setTick] = useState(0);
  useEffect(() => onQueue(() => setTick((t) => t + 1)), []);
}

/** Call `fn` whenever an entry stops waiting (the server stored or refused it): the day it was for changed. */
export function useLanded(fn) {
  useEffect(() => {
    let before = waiting().length;
    return onQueue(() => {
      const now = waiting().length;
      if (now < before) fn();
      before = now;
    });
  }, []);
}

/** Entries not yet stored on the server, oldest first: {key, kind ("food" | "body"), body, at}. */
export const waiting = () => entries.filter((e) => !e.reason && e.user === me());

/** Entries the server refused (with its reason), kept until the person has seen them. */
export const refused = () => entries.filter((e) => e.reason && e.user === me());

export async function dismissRefused(key) {
  await transaction("readwrite", (s) => s.delete(key));
  await reload();
}

// 16 random bytes as hex, from `crypto.getRandomValues`: it works on a plain-HTTP LAN origin, where the UUID
// helper of `crypto` is missing.
function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Keep an entry in this browser, then send what waits. Resolves to where the entry stands: "sent" (on the
 * server), "waiting" (kept here until the server answers) or "refused" (the server said why: `refused()`);
 * rejects only when the browser could not keep it. */
export async function enqueue(kind, body) {
  const key = newKey();
  const entry = { key, user: me(), kind, body: { ...body, idempotency_key: key }, at: Date.now() };
  await transaction("readwrite", (s) => s.put(entry));
  await reload();
  const outcome = () => {
    const kept = entries.find((e) => e.key === key);
    return !kept ? "sent" : kept.reason ? "refused" : "waiting";
  };
  await flush();
  // A send that was already under way when this entry was kept did not include it.
  if (outcome() === "waiting") await flush();
  return outcome();
}

/** Send every waiting entry, oldest first; stop at the first that cannot be sent (the server is down). */
export function flush() {
  if (!flushing) {
    flushing = reload()
      .then(send)
      .finally(() => {
        flushing = null;
      });
  }
  return flushing;
}

async function send() {
  for (const entry of waiting()) {
    try {
      await api(`log/${entry.kind}`, { method: "POST", body: entry.body });
    } catch (err) {
      // Unreachable, a server error, or another user signed in meanwhile: keep it for later.
      if (err instanceof Stale || !(err instanceof ApiError) || err.status === 0 || err.status >= 500) break;
      if (err.status === 401 || err.status === 429) break;
      await transaction("readwrite", (s) => s.put({ ...entry, reason: err.message }));
      continue;
    }
    await transaction("readwrite", (s) => s.delete(entry.key));
  }
  await reload();
}

/** Send what waits now, whenever the server comes back, and every 30 s; returns the function that stops it. */
export function startQueue() {
  let tick = getRetryTick();
  flush();
  const stop = subscribe(() => {
    if (getRetryTick() !== tick) {
      tick = getRetryTick();
      flush();
    }
  });
  const timer = setInterval(() => waiting().length && flush(), RETRY_MS);
  return () => {
    stop();
    clearInterval(timer);
  };
}
