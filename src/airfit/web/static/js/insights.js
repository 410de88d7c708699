// Insights: the caller's insights, best first; agree, dismiss, or discuss one with the coach (with an AI
// model). "Look for new insights" says what it found.
import { api } from "./api.js";
import { html, useLoad, useState, Loading, ErrorText, dayText, plural, word } from "./ui.js";
import { Chat } from "./coach.js";

function outcome(r, llm) {
  const found = r.insights_generated ? `Found ${plural(r.insights_generated, "new insight")}.` : "Nothing new since the last look.";
  if (r.success) return found;
  return llm
    ? `${found} The AI model did not answer this time; try again later.`
    : `${found} Only your data's clear changes were looked at: the rest needs an AI model, which this server does not have.`;
}

export function Insights() {
  const [state, reload] = useLoad(() => Promise.all([api("insights?limit=50"), api("health")]));
  const [generating, setGenerating] = useState(false);
  const [status, setStatus] = useState("");
  const [error, setError] = useState(null);
  const llm = state.data ? state.data[1].providers.length > 0 : false;
  async function generate() {
    setGenerating(true);
    setError(null);
    setStatus("");
    try {
      const r = await api("insights/generate", { method: "POST", body: { force: true } });
      setStatus(outcome(r, llm));
      reload();
    } catch (err) {
      setError(err);
    } finally {
      setGenerating(false);
    }
  }
  return html`<h1>Insights</h1>
    <p><button class="secondary" disabled=${generating} onClick=${generate}>${generating ? "Looking for insights…" : "Look for new insights"}</button></p>
    <p role="status" data-testid="generate-status">${status}</p>
    <${ErrorText} error=${error} />
    <${Loading} state=${state}>${state.data && (state.data[0].length
      ? html`<div class="stack">${state.data[0].map((i) => html`<${Insight} key=${i.id} insight=${i} llm=${llm} reload=${reload} />`)}</div>`
      : html`<p class="muted">No insights yet. They come from a few weeks of data with a clear change in them.</p>`)}</${Loading}>`;
}

function Insight({ insight, llm, reload }) {
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
    <p class="small muted"><span class="pill">${word(insight.category)}</span> ${dayText(insight.created_at.slice(0, 10))}</p>
    <h2 id=${h}>${insight.title}</h2>
    <p>${insight.body}</p>
    ${insight.suggested_actions?.length ? html`<ul>${insight.suggested_actions.map((a) => html`<li>${a}</li>`)}</ul>` : ""}
    <div class="row">
      <button class="secondary" onClick=${() => engage("acted", "agree", "Thanks: noted that you agree.")} aria-label=${`Agree with: ${insight.title}`}>Agree</button>
      ${llm && html`<button class="secondary" onClick=${() => setDiscussing(!discussing)} aria-expanded=${discussing} aria-label=${`Discuss: ${insight.title}`}>Discuss</button>`}
      <button class="danger" onClick=${() => engage("dismissed", null, "Dismissed.")} aria-label=${`Dismiss: ${insight.title}`}>Dismiss</button>
    </div>
    <p role="status" class="small">${status}</p><${ErrorText} error=${error} />
    ${discussing && html`<${Chat} initial=${[]} sender=${discuss} label="Ask about this insight" />`}
  </article>`;
}
