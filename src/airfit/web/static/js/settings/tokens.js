// Access tokens: list, create and revoke one's own tokens (for scripts or another browser).
import { api, setIdentity } from "../api.js";
import { html, useLoad, useState, Card, ErrorText, Loading, dayText } from "../ui.js";

export function Tokens({ me }) {
  const [state, reload] = useLoad(() => api("me/tokens"));
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
    <p class="small muted">For scripts or another browser. Signed in ${me.via === "token" ? "with a token" : "without a token (open mode)"}.</p>
    <${Loading} state=${state}>${state.data && (state.data.length ? html`<table><thead><tr><th scope="col">Name</th><th scope="col">Last used</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead><tbody>
      ${state.data.map((t) => html`<tr><td>${t.name}${t.id === me.token_id ? html` <span class="pill">this browser</span>` : ""}</td>
        <td>${t.last_used_at ? dayText(t.last_used_at.slice(0, 10)) : "never"}</td>
        <td><button class="link" aria-label=${`Revoke token ${t.name}`} onClick=${() => revoke(t)}>Revoke</button></td></tr>`)}</tbody></table>`
      : html`<p class="muted">No tokens.</p>`)}</${Loading}>
    <form onSubmit=${create} class="spaced">
      <div class="field"><label for="token-name">New token's name</label><input id="token-name" required maxlength="64" value=${name} onInput=${(e) => setName(e.target.value)} placeholder="laptop" /></div>
      <button type="submit">Create token</button>
    </form>
    ${secret && html`<div class="notice spaced" role="status"><p>Copy this token now; it is not shown again:</p>
      <input aria-label="New token" readonly value=${secret.token} onFocus=${(e) => e.target.select()} /></div>`}
    <${ErrorText} error=${error} />
  </${Card}>`;
}
