// The shell: sign-in, navigation, the offline banner, the entry queue, and one view per screen (loaded on
// first visit, and loaded again when the server comes back if that failed).
import { render } from "../vendor/preact.js";
import { api, ApiError, checkServer, getIdentity, getRetryTick, getSignOutReason, isOnline, lostServer, refreshMe, setIdentity } from "./api.js";
import { startQueue, useQueue, waiting } from "./queue.js";
import { html, plural, useApiState, useEffect, useRef, useState, ErrorText } from "./ui.js";
import { Today } from "./today.js";

const PRIMARY = [
  ["today", "Today"],
  ["food", "Log"],
  ["trends", "Trends"],
  ["coach", "Coach"],
];
const MORE = [
  ["training", "Training"],
  ["insights", "Insights"],
  ["settings", "Settings"],
];
const SCREENS = [...PRIMARY, ...MORE];
// Screens with charts fetch the chart module (which starts fetching uPlot) beside their own, not after it.
const charted = (screen) => Promise.all([screen, import("./chart.js")]).then(([m]) => m);
const LOADERS = {
  trends: (again) => charted(import(`./trends.js${again}`)).then((m) => m.Trends),
  training: (again) => charted(import(`./training.js${again}`)).then((m) => m.Training),
  coach: (again) => import(`./coach.js${again}`).then((m) => m.Coach),
  food: (again) => charted(import(`./food.js${again}`)).then((m) => m.Food),
  insights: (again) => import(`./insights.js${again}`).then((m) => m.Insights),
  settings: (again) => import(`./settings.js${again}`).then((m) => m.Settings),
};

function currentRoute() {
  const name = location.hash.replace(/^#\/?/, "").split("?")[0];
  return SCREENS.some(([id]) => id === name) ? name : "today";
}

/** A screen's module, loaded on first visit. A failed load (the server was down) is tried again as soon as
 * the server answers, under a new URL: a browser may remember a failed module fetch for the page's life. */
function Lazy({ name }) {
  useApiState();
  const tick = getRetryTick();
  const [view, setView] = useState(null);
  const [error, setError] = useState(null);
  const failures = useRef({});
  useEffect(() => {
    if (view && view.name === name) return undefined;
    let live = true;
    const failed = failures.current[name] || 0;
    setError(null);
    LOADERS[name](failed ? `?again=${failed}` : "").then(
      (component) => live && setView({ name, component }),
      () => {
        if (!live) return;
        failures.current[name] = failed + 1;
        lostServer();
        setError(new Error("This screen could not be loaded: the server cannot be reached. It appears as soon as the server answers."));
      },
    );
    return () => {
      live = false;
    };
  }, [name, tick]);
  if (view?.name === name) return html`<${view.component} />`;
  if (error) return html`<${ErrorText} error=${error} />`;
  return html`<p class="muted" aria-busy="true">Loading…</p>`;
}

function Banner() {
  useQueue();
  const count = getIdentity() ? waiting().length : 0;
  if (isOnline()) {
    return count ? html`<div class="banner" role="status"><span>${plural(count, "entry", "entries")} waiting to be sent.</span></div>` : "";
  }
  return html`<div class="banner" role="status">
    <span>The server cannot be reached; AirFit tries again every few seconds.${count ? ` ${plural(count, "entry", "entries")} kept in this browser until it answers.` : ""}</span>
    <button class="secondary" onClick=${checkServer}>Retry now</button></div>`;
}

/** A new sign-in always starts on Today, whatever screen the previous user left open. */
function signIn(identity) {
  history.replaceState(null, "", "#/today");
  setIdentity(identity);
}

function SignIn() {
  const [options, setOptions] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [code, setCode] = useState("");
  const [token, setToken] = useState("");
  const reason = getSignOutReason();
  useEffect(() => {
    api("signin/options", { anonymous: true }).then(setOptions, setError);
  }, [isOnline()]);

  async function withCode(e) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const device = /Mobi|Android|iPhone/.test(navigator.userAgent) ? "phone browser" : "browser";
      const made = await api("signin/code", { method: "POST", body: { code, device }, anonymous: true });
      signIn({ token: made.token, user: made.user_id });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  async function withToken(e) {
    e.preventDefault();
    setError(null);
    try {
      const res = await fetch("me", { headers: { Authorization: `Bearer ${token.trim()}` } });
      if (!res.ok) throw new ApiError(res.status, "That token was not accepted.");
      const me = await res.json();
      signIn({ token: token.trim(), user: me.user_id });
    } catch (err) {
      setError(err.status ? err : new Error("The server cannot be reached."));
    }
  }
  const nobody = options?.picker && !options.users.length;
  return html`<main id="main" class="stack narrow">
    <h1 tabindex="-1">Sign in to AirFit</h1>
    ${reason && html`<p class="notice" role="alert">${reason}</p>`}
    <${ErrorText} error=${error} />
    ${options?.users.length > 0 && html`<section class="card" aria-labelledby="pick-h">
      <h2 id="pick-h">Who are you?</h2>
      <div class="picker">${options.users.map((u) => html`<button class="secondary" data-user=${u.id}
        onClick=${() => signIn({ user: u.id, name: u.name })}>${u.name}${u.name !== u.id ? html` <span class="muted small">(${u.id})</span>` : ""}</button>`)}</div>
    </section>`}
    ${nobody && html`<section class="card" aria-labelledby="nobody-h">
      <h2 id="nobody-h">Nobody is registered yet</h2>
      <p>Whoever runs the server adds each person: <code>airfit users add YOUR-NAME</code>. The AirFit iPhone app,
        pointed at this server, creates its user with its first sync.</p>
    </section>`}
    ${options && html`<section class="card" aria-labelledby="code-h">
      <h2 id="code-h">Sign-in code</h2>
      <p class="muted small">Ask whoever runs the server for a code: <code>airfit users login-code YOUR-ID</code>.</p>
      <form onSubmit=${withCode}>
        <div class="field"><label for="code">Code</label>
          <input id="code" autocomplete="one-time-code" autocapitalize="characters" spellcheck=${false} required
            value=${code} onInput=${(e) => setCode(e.target.value)} placeholder="ABCD-EFGH" /></div>
        <button type="submit" disabled=${busy}>${busy ? "Signing in…" : "Sign in"}</button>
      </form>
      <details><summary>Use an access token instead</summary>
        <form onSubmit=${withToken}>
          <div class="field"><label for="token">Access token</label>
            <input id="token" type="password" autocomplete="off" required value=${token}
              onInput=${(e) => setToken(e.target.value)} /></div>
          <button type="submit">Sign in with token</button>
        </form></details>
    </section>`}
  </main>`;
}

function Nav({ route }) {
  const [open, setOpen] = useState(false);
  const inMore = MORE.some(([id]) => id === route);
  useEffect(() => setOpen(false), [route]);
  const link = ([id, label], cls = "") =>
    html`<a class=${cls} href=${`#/${id}`} aria-current=${route === id ? "page" : undefined}>${label}</a>`;
  return html`<nav class="tabs" aria-label="Screens">
    ${PRIMARY.map((s) => link(s))}
    ${MORE.map((s) => link(s, "wide-only"))}
    <div class="more narrow-only">
      <button class=${`more-button${inMore ? " current" : ""}`} aria-expanded=${open} aria-controls="more-menu"
        onClick=${() => setOpen(!open)}>More</button>
      <div id="more-menu" class="more-menu" hidden=${!open} onKeyDown=${(e) => e.key === "Escape" && setOpen(false)}>${MORE.map((s) => link(s))}</div>
    </div>
  </nav>`;
}

function Shell() {
  const [route, setRoute] = useState(currentRoute());
  const identity = getIdentity();
  useEffect(() => {
    const onHash = () => setRoute(currentRoute());
    // A page left open overnight: its "today" and settings are asked for again when it is looked at.
    const onShow = () => document.visibilityState === "visible" && refreshMe();
    window.addEventListener("hashchange", onHash);
    document.addEventListener("visibilitychange", onShow);
    const stopQueue = startQueue();
    // The Log screen is where entries are made while the server is away: its code is fetched once the page
    // is idle, so losing the server before ever opening Log still leaves logging possible.
    const whenIdle = window.requestIdleCallback || ((work) => setTimeout(work, 1000));
    whenIdle(() => LOADERS.food("").catch(() => {}));
    return () => {
      window.removeEventListener("hashchange", onHash);
      document.removeEventListener("visibilitychange", onShow);
      stopQueue();
    };
  }, []);
  useEffect(() => {
    const label = SCREENS.find(([id]) => id === route)[1];
    document.title = `${label} · AirFit`;
  }, [route]);
  const who = identity.name || identity.user || "you";
  return html`<a class="skip" href="#main" onClick=${(e) => { e.preventDefault(); document.getElementById("main")?.focus(); }}>Skip to content</a>
    <header class="top">
      <a class="brand" href="#/today">AirFit</a>
      <div class="who"><span><span class="wide-inline">Signed in as </span><strong data-testid="who">${who}</strong></span>
        <button class="secondary" onClick=${() => setIdentity(null, "")}>Switch user</button></div>
    </header>
    <${Nav} route=${route} />
    <${Banner} />
    <main id="main" tabindex="-1">
      ${route === "today" ? html`<${Today} />` : html`<${Lazy} name=${route} />`}
    </main>`;
}

function App() {
  useApiState();
  const identity = getIdentity();
  // Keyed by who is signed in: switching user throws away every component and all state they held.
  return identity
    ? html`<${Shell} key=${identity.token || identity.user} />`
    : html`<${Banner} /><${SignIn} key="signin" />`;
}

const root = document.getElementById("app");
root.textContent = "";
render(html`<${App} />`, root);
