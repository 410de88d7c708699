// Insights: the caller's insights, best first; agree, dismiss, or discuss one with the coach.
import { api } from "./api.js";
import { html, useLoad, useState, Loading, ErrorText } from "./ui.js";
import { Chat } from "./coach.js";

export function Insights() {
  const [state, reload] = useLoad(() => api("insights?limit=50"));
  const [generating, setGenerating] = useState(false);
  const [error, setError] = useState(null);
  async function generate() {
    setGenerating(true);
    setError(null);
    try {
      const r = await api("insights/generate", { method: "POST", body: { force: true } });
      if (!r.success && r.error) setError(new Error(r.error));
      reload();
    } catch (err) {
      setError(err);
    } finally {
      setGenerating(false);
    }
  }
  return html`<h1>Insights</h1>
    <p><button class="secondary" disabled=${generating} onClick=${generate}>${generating ? "Looking for insights…" : "Look for new insights"}</button></p>
    <${ErrorText} error=${error} />
    <${Loading} state=${state}>${state.data && (state.data.length
      ? html`<div class="stack">${state.data.map((i) => html`<${Insight} key=${i.id} insight=${i} reload=${reload} />`)}</div>`
      : html`<p class="muted">No insights yet.</p>`)}</${Loading}>`;
}

function Insight({ insight, reload }) {
  const [status, setStatus] = useState("");
  const [error, setError] = useState(null);
  const [discussing, setDiscussing] = useState(false);
  async function engage(action, feedback, done) {
    setError(null);
    try {
      await api(`insights/${encodeURIComponent(insight.id)}/engage?action=${action}${feedback ? `&feedback=${feedback}` : ""}`, { method: "POST" });
      setStatus(done);
      if (action === "dismissed") reload();
    } catch (err) {
      setError(err);
    }
  }
  async function discuss(message) {
    const r = await api(`insights/${encodeURIComponent(insight.id)}/discuss`, { method: "POST", body: { message } });
    if (!r.success) throw new Error(r.error || "The coach could not answer.");
    return r.response;
  }
  const h = `ins-${insight.id}`;
  return html`<article class="card" aria-labelledby=${h} data-testid="insight">
    <p class="small muted"><span class="pill">${insight.category}</span> ${insight.created_at.slice(0, 10)}</p>
    <h2 id=${h}>${insight.title}</h2>
    <p>${insight.body}</p>
    ${insight.suggested_actions?.length ? html`<ul>${insight.suggested_actions.map((a) => html`<li>${a}</li>`)}</ul>` : ""}
    <div class="row">
      <button class="secondary" onClick=${() => engage("acted", "agree", "Thanks: noted that you agree.")} aria-label=${`Agree with: ${insight.title}`}>Agree</button>
      <button class="secondary" onClick=${() => setDiscussing(!discussing)} aria-expanded=${discussing} aria-label=${`Discuss: ${insight.title}`}>Discuss</button>
      <button class="danger" onClick=${() => engage("dismissed", null, "Dismissed.")} aria-label=${`Dismiss: ${insight.title}`}>Dismiss</button>
    </div>
    <p role="status" class="small">${status}</p><${ErrorText} error=${error} />
    ${discussing && html`<${Chat} initial=${[]} sender=${discuss} label="Ask about this insight" />`}
  </article>`;
}
