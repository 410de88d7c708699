// The shell: sign-in, navigation, theme, the offline banner, and one view per screen (loaded on first visit).
import { render } from "../vendor/preact.js";
import { api, ApiError, checkServer, getIdentity, getSignOutReason, isOnline, setIdentity } from "./api.js";
import { html, useApiState, useEffect, useRef, useState, ErrorText } from "./ui.js";
import { Today } from "./today.js";

const SCREENS = [
  ["today", "Today"],
  ["trends", "Trends"],
  ["training", "Training"],
  ["coach", "Coach"],
  ["food", "Log"],
  ["insights", "Insights"],
  ["settings", "Settings"],
];
const LOADERS = {
  trends: () => import("./trends.js").then((m) => m.Trends),
  training: () => import("./training.js").then((m) => m.Training),
  coach: () => import("./coach.js").then((m) => m.Coach),
  food: () => import("./food.js").then((m) => m.Food),
  insights: () => import("./insights.js").then((m) => m.Insights),
  settings: () => import("./settings.js").then((m) => m.Settings),
};

function currentRoute() {
  const name = location.hash.replace(/^#\/?/, "").split("?")[0];
  return SCREENS.some(([id]) => id === name) ? name : "today";
}

function Lazy({ name }) {
  const [view, setView] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let live = true;
    setView(null);
    LOADERS[name]().then(
      (component) => live && setView(() => component),
      () => live && setError(new Error("This screen could not be loaded; is the server reachable?")),
    );
    return () => {
      live = false;
    };
  }, [name]);
  if (error) return html`<${ErrorText} error=${error} />`;
  return view ? html`<${view} />` : html`<p class="muted" aria-busy="true">Loading…</p>`;
}

function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
  try {
    localStorage.setItem("airfit.theme", theme);
  } catch (e) {
    /* not kept */
  }
  window.dispatchEvent(new Event("airfit-theme"));
}

function ThemeSwitch() {
  const [theme, setTheme] = useState(document.documentElement.dataset.theme || "system");
  return html`<label class="sr-only" for="theme">Colour theme</label>
    <select id="theme" style="width:auto" value=${theme}
      onChange=${(e) => { setTheme(e.target.value); applyTheme(e.target.value); }}>
      <option value="system">System theme</option><option value="light">Light</option><option value="dark">Dark</option>
    </select>`;
}

function Banner() {
  if (isOnline()) return "";
  return html`<div class="banner" role="status">
    <span>The server cannot be reached. Nothing you typed is lost; AirFit retries every few seconds.</span>
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
  return html`<main id="main" class="stack" style="max-width:28rem">
    <h1 tabindex="-1">Sign in to AirFit</h1>
    ${reason && html`<p class="notice" role="alert">${reason}</p>`}
    <${ErrorText} error=${error} />
    ${options?.picker && html`<section class="card" aria-labelledby="pick-h">
      <h2 id="pick-h">Who are you?</h2>
      <div class="picker">${options.users.map((u) => html`<button class="secondary" data-user=${u.id}
        onClick=${() => signIn({ user: u.id, name: u.name })}>${u.name}${u.name !== u.id ? html` <span class="muted small">(${u.id})</span>` : ""}</button>`)}</div>
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

function Shell() {
  const [route, setRoute] = useState(currentRoute());
  const identity = getIdentity();
  const heading = useRef(null);
  useEffect(() => {
    const onHash = () => setRoute(currentRoute());
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);
  useEffect(() => {
    const label = SCREENS.find(([id]) => id === route)[1];
    document.title = `${label} · AirFit`;
  }, [route]);
  const who = identity.name || identity.user || "you";
  return html`<a class="skip" href="#main" onClick=${(e) => { e.preventDefault(); document.getElementById("main")?.focus(); }}>Skip to content</a>
    <header class="top">
      <a class="brand" href="#/today">AirFit</a>
      <div class="who"><span class="name">Signed in as <strong data-testid="who">${who}</strong></span>
        <${ThemeSwitch} />
        <button class="secondary" onClick=${() => setIdentity(null, "")}>Switch user</button></div>
    </header>
    <nav class="tabs" aria-label="Screens">${SCREENS.map(([id, label]) =>
      html`<a href=${`#/${id}`} aria-current=${route === id ? "page" : undefined}>${label}</a>`)}</nav>
    <${Banner} />
    <main id="main" tabindex="-1" ref=${heading}>
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
