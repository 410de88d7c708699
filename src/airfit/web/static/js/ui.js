// Shared pieces of the views: the `html` template tag, a loader hook, words and small components.
import { h } from "../vendor/preact.js";
import { useEffect, useLayoutEffect, useState, useCallback, useRef } from "../vendor/hooks.js";
import htm from "../vendor/htm.js";
import { Stale, getRetryTick, subscribe } from "./api.js";

export const html = htm.bind(h);
export { useEffect, useLayoutEffect, useState, useCallback, useRef };

/** Re-render when the API layer's state (identity, online) changes. */
export function useApiState() {
  const [, setTick] = useState(0);
  useEffect(() => subscribe(() => setTick((t) => t + 1)), []);
}

/** Run `load()` now, again when `deps` change, and after the server comes back; returns [state, reload]. */
export function useLoad(load, deps = []) {
  const [state, setState] = useState({ loading: true });
  const [nonce, setNonce] = useState(0);
  useApiState();
  const tick = getRetryTick();
  // Started as the view is put in the page, not a frame later: the requests are what the view waits for.
  useLayoutEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error) => live && !(error instanceof Stale) && setState((s) => ({ ...s, error, loading: false })),
    );
    return () => {
      live = false;
    };
  }, [...deps, nonce, tick]);
  return [state, () => setNonce((n) => n + 1)];
}

export const fmt = (value, digits = 0) =>
  value === null || value === undefined || Number.isNaN(value)
    ? "–"
    : Number(value).toLocaleString(undefined, { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** "1 day", "3 days", "1 entry", "2 entries". */
export const plural = (n, one, many = `${one}s`) => `${fmt(n)} ${n === 1 ? one : many}`;

/** Plain words for the codes the API answers with (they never reach the page as they are). */
const WORDS = {
  correlation: "Connection",
  trend: "Trend",
  anomaly: "Unusual",
  milestone: "Milestone",
  nudge: "Suggestion",
  below: "Below the range",
  at_floor: "At the minimum",
  in_zone: "In range",
  above: "Above the range",
  high: "High confidence",
  medium: "Medium confidence",
  low: "Low confidence",
};
export const word = (code) => WORDS[code] ?? String(code ?? "").replace(/_/g, " ");

/** A target may be a number or a range such as "320-340": its middle. */
export function targetValue(raw) {
  if (raw === null || raw === undefined || raw === "") return null;
  if (typeof raw === "number") return raw;
  const parts = String(raw).split("-").map(Number).filter((n) => !Number.isNaN(n));
  return parts.length ? parts.reduce((a, b) => a + b, 0) / parts.length : null;
}

/** A plain date (YYYY-MM-DD) as a person reads it, e.g. "Tue, 2 Dec 2025". */
export const dayText = (iso, year = true) =>
  new Date(`${iso}T12:00:00Z`).toLocaleDateString(undefined, {
    weekday: "short", day: "numeric", month: "short", ...(year ? { year: "numeric" } : {}), timeZone: "UTC",
  });

/** The date `n` days after a plain date. */
/** A parameter of the screen's address (`#/trends?range=year`), or null. */
export const hashParam = (name) => new URLSearchParams(location.hash.split("?")[1] || "").get(name);

export function addDays(iso, n) {
  const d = new Date(`${iso}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function Meter({ label, value, target, unit = "", digits = 0 }) {
  const pct = target ? Math.min(100, Math.round((100 * (value || 0)) / target)) : 0;
  return html`<div>
    <div class="meter-row"><span>${label}</span>
      <span><strong>${fmt(value, digits)}</strong>${target ? html` / ${fmt(target, digits)}` : ""} ${unit}</span></div>
    ${target
      ? html`<div class="bar" role="progressbar" aria-label=${`${label}: ${pct}% of target`}
          aria-valuenow=${pct} aria-valuemin="0" aria-valuemax="100"><span style=${`width:${pct}%`}></span></div>`
      : ""}
  </div>`;
}

/** A form's action: `run(call, message)` clears the last outcome, awaits `call` and shows `message`, or the
 * error; returns [run, message shown, error]. */
export function useAction() {
  const [done, setDone] = useState("");
  const [error, setError] = useState(null);
  async function run(call, message) {
    setError(null);
    setDone("");
    try {
      await call();
      setDone(message);
    } catch (err) {
      setError(err);
    }
  }
  return [run, done, error];
}

export function Loading({ state, children }) {
  if (state.error && state.data === undefined) return html`<${ErrorText} error=${state.error} />`;
  if (state.data === undefined) return html`<p class="muted" aria-busy="true">Loading…</p>`;
  return children;
}

export const Card = ({ title, children, id, wide = false }) =>
  html`<section class=${wide ? "card wide" : "card"} aria-labelledby=${id}><h2 id=${id}>${title}</h2>${children}</section>`;

export function ErrorText({ error }) {
  return error ? html`<p class="error" role="alert">${error.message || String(error)}</p>` : "";
}
