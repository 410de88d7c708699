// Settings: time zone, one's own tokens (list, create, revoke), export and import of one's own data,
// and history from other apps (imports.js).
import { api, getIdentity, setIdentity } from "./api.js";
import { html, useLoad, useState, Loading, Card, ErrorText } from "./ui.js";
import { ImportFromApp } from "./imports.js";

export function Settings() {
  const [state, reload] = useLoad(() => Promise.all([api("me"), api("me/tokens")]));
  return html`<h1>Settings</h1><${Loading} state=${state}>${state.data && html`<div class="grid">
    <${Zone} me=${state.data[0]} />
    <${Tokens} me=${state.data[0]} tokens=${state.data[1]} reload=${reload} />
    <${Data} me=${state.data[0]} />
    <${ImportFromApp} />
  </div>`}</${Loading}>`;
}

function Zone({ me }) {
  const browser = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const [zone, setZone] = useState(me.timezone || "");
  const [done, setDone] = useState("");
  const [error, setError] = useState(null);
  async function save(e) {
    e.preventDefault();
    setError(null);
    try {
      await api("me", { method: "PATCH", body: { timezone: zone.trim() || null } });
      setDone("Saved: your days now end at midnight in this zone.");
    } catch (err) {
      setError(err);
    }
  }
  return html`<${Card} title="Time zone" id="set-zone">
    <form onSubmit=${save}>
      <div class="field"><label for="tz">IANA time zone (empty: the server's)</label>
        <input id="tz" value=${zone} onInput=${(e) => setZone(e.target.value)} placeholder=${browser} /></div>
      <div class="row"><button type="submit">Save</button>
        ${browser && html`<button type="button" class="secondary" onClick=${() => setZone(browser)}>Use this device's (${browser})</button>`}</div>
    </form><p role="status">${done}</p><${ErrorText} error=${error} />
  </${Card}>`;
}

function Tokens({ me, tokens, reload }) {
  const [name, setName] = useState("");
  const [secret, setSecret] = useState(null);
  const [error, setError] = useState(null);
  async function create(e) {
    e.preventDefault();
    setError(null);
    try {
      setSecret(await api("me/tokens", { method: "POST", body: { name } }));
      setName("");
      reload();
    } catch (err) {
      setError(err);
    }
  }
  async function revoke(t) {
    const current = t.id === me.token_id;
    if (!confirm(current ? "Revoke the token this browser uses? You will be signed out." : `Revoke "${t.name}"?`)) return;
    try {
      await api(`me/tokens/${t.id}`, { method: "DELETE" });
      if (current) setIdentity(null, "You revoked this browser's token.");
      else reload();
    } catch (err) {
      setError(err);
    }
  }
  return html`<${Card} title="Access tokens" id="set-tokens">
    <p class="small muted">For the iOS app, scripts or another browser. Signed in ${me.via === "token" ? "with a token" : "without a token (open mode)"}.</p>
    ${tokens.length ? html`<table><thead><tr><th scope="col">Name</th><th scope="col">Last used</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead><tbody>
      ${tokens.map((t) => html`<tr><td>${t.name}${t.id === me.token_id ? html` <span class="pill">this browser</span>` : ""}</td>
        <td>${t.last_used_at ? t.last_used_at.slice(0, 10) : "never"}</td>
        <td><button class="link" aria-label=${`Revoke token ${t.name}`} onClick=${() => revoke(t)}>Revoke</button></td></tr>`)}</tbody></table>`
      : html`<p class="muted">No tokens.</p>`}
    <form onSubmit=${create} style="margin-top:.5rem">
      <div class="field"><label for="token-name">New token's name</label><input id="token-name" required maxlength="64" value=${name} onInput=${(e) => setName(e.target.value)} placeholder="iphone" /></div>
      <button type="submit">Create token</button>
    </form>
    ${secret && html`<div class="notice" role="status" style="margin-top:.5rem"><p>Copy this token now; it is not shown again:</p>
      <input aria-label="New token" readonly value=${secret.token} onFocus=${(e) => e.target.select()} /></div>`}
    <${ErrorText} error=${error} />
  </${Card}>`;
}

function Data({ me }) {
  const [error, setError] = useState(null);
  const [done, setDone] = useState("");
  const [busy, setBusy] = useState(false);
  async function download() {
    setError(null);
    try {
      const res = await api("export", { raw: true });
      const url = URL.createObjectURL(await res.blob());
      const a = Object.assign(document.createElement("a"), { href: url, download: `airfit-${me.user_id}.zip` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (err) {
      setError(err);
    }
  }
  async function upload(e) {
    e.preventDefault();
    const file = e.target.elements.archive.files[0];
    if (!file || !confirm("Replace all your data with this archive?")) return;
    setBusy(true);
    setError(null);
    try {
      await api("import", { method: "POST", body: file });
      setDone("Imported.");
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return html`<${Card} title="Your data" id="set-data">
    <p><button class="secondary" onClick=${download}>Export my data (zip)</button></p>
    <form onSubmit=${upload}>
      <div class="field"><label for="archive">Import an archive</label><input id="archive" name="archive" type="file" accept=".zip,application/zip" /></div>
      <button type="submit" class="secondary" disabled=${busy}>${busy ? "Importing…" : "Import"}</button>
    </form>
    <p role="status">${done}</p><${ErrorText} error=${error} />
    <p class="small muted">Signed in as ${getIdentity()?.user}.</p>
  </${Card}>`;
}
