// Connect the AirFit iPhone app: a personal address per phone (so the app, which sends no name, syncs as this
// user), shown once with a copy button and its QR code, the steps in the app, and the phones connected.
import { api } from "../api.js";
import { html, useLoad, useRef, useState, Card, ErrorText, Loading, dayText } from "../ui.js";

export function IPhone({ me }) {
  const [phones, reload] = useLoad(() => api("me/tokens").then((all) => all.filter((t) => t.kind === "link")));
  const [name, setName] = useState("iPhone");
  const [created, setCreated] = useState(null);
  const [error, setError] = useState(null);
  async function create(e) {
    e.preventDefault();
    setError(null);
    try {
      setCreated(await api("me/links", { method: "POST", body: { name } }));
      reload();
    } catch (err) {
      setError(err);
    }
  }
  async function revoke(phone) {
    if (!confirm(`Disconnect "${phone.name}"? Its app stops reaching your data at once.`)) return;
    try {
      await api(`me/tokens/${phone.id}`, { method: "DELETE" });
      if (created && created.id === phone.id) setCreated(null);
      reload();
    } catch (err) {
      setError(err);
    }
  }
  return html`<${Card} title="Connect the AirFit iPhone app" id="set-iphone">
    <p class="small muted">The app sends no name of its own. Give each phone its own address and it syncs as ${me.user_id};
      nobody else's phone can reach your data through it.</p>
    <form onSubmit=${create} class="row">
      <div class="field"><label for="phone-name">Phone's name</label><input id="phone-name" required maxlength="64" value=${name} onInput=${(e) => setName(e.target.value)} /></div>
      <button type="submit">Create its address</button>
    </form>
    ${created && html`<${NewAddress} link=${created} />`}
    <${ErrorText} error=${error} />
    <h3>Connected phones</h3>
    <${Loading} state=${phones}>${phones.data && (phones.data.length ? html`<ul class="plain">
      ${phones.data.map((p) => html`<li class="quick"><span><strong>${p.name}</strong>${p.unconfirmed ? html` <span class="pill" title=${`Made without a token: in token mode an admin confirms it (airfit users token trust ${p.id})`}>unconfirmed</span>` : ""}
        <br /><span class="small muted">added ${dayText(p.created_at.slice(0, 10))}, last used ${p.last_used_at ? dayText(p.last_used_at.slice(0, 10)) : "never"}</span></span>
        <button class="link" aria-label=${`Disconnect ${p.name}`} onClick=${() => revoke(p)}>Disconnect</button></li>`)}</ul>`
      : html`<p class="muted">No phone connected yet.</p>`)}</${Loading}>
  </${Card}>`;
}

// Shown once: the server keeps only a digest of the address.
function NewAddress({ link }) {
  const field = useRef(null);
  const [copied, setCopied] = useState("");
  async function copy() {
    try {
      // No clipboard API outside a secure context (a plain-HTTP LAN address): then the text is selected.
      const written = navigator.clipboard?.writeText(link.url);
      if (!written) throw new Error("no clipboard here");
      await written;
      setCopied("Copied.");
    } catch (e) {
      field.current.focus();
      field.current.select();
      setCopied("Selected: press Ctrl+C (⌘C on a Mac) to copy it.");
    }
  }
  return html`<div class="notice spaced" role="status" data-testid="new-link">
    <p>The address of "${link.name}", shown this once:</p>
    <textarea ref=${field} class="address" rows="2" aria-label="Your phone's address" data-testid="link-url" readonly value=${link.url} onFocus=${(e) => e.target.select()}></textarea>
    <button type="button" onClick=${copy}>Copy</button>
    <p class="small" aria-live="polite">${copied}</p>
    <div class="qr" role="img" aria-label="The address as a QR code" data-testid="link-qr" dangerouslySetInnerHTML=${{ __html: link.qr_svg }}></div>
    <ol class="small">
      <li>In the AirFit app, open the server setting (the "Connect to Your Server" screen on first start, later Settings → Server).</li>
      <li>Tap "Scan QR Code" and point the camera at this code, or paste the address.</li>
      <li>Test the connection: from now on the app syncs as you.</li>
    </ol>
    <p class="small muted">Anyone with this address acts as you: keep it to your phone. Phone lost? Disconnect it below.</p>
  </div>`;
}
