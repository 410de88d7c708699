// Coach: the conversation (kept on the server, shown again on reload), onboarding for someone without a
// profile, the profile with inline edits, and clearing the session.
import { api, ApiError } from "./api.js";
import { html, useLoad, useState, useEffect, useRef, Loading, Card, ErrorText } from "./ui.js";

export function Coach() {
  const [state, reload] = useLoad(() => Promise.all([api("profile"), api("chat/history")]));
  return html`<h1>Coach</h1><${Loading} state=${state}>${state.data && html`<${Body} profile=${state.data[0]} turns=${state.data[1].turns} reload=${reload} />`}</${Loading}>`;
}

function Body({ profile, turns, reload }) {
  const onboarding = !profile.onboarding_complete;
  return html`<div class="stack">
    ${onboarding && html`<p class="notice">Welcome! Tell the coach about yourself, your goals and your training; finish when you are ready.</p>`}
    <${Chat} initial=${turns} onboarding=${onboarding} reload=${reload} />
    <${Profile} profile=${profile} reload=${reload} />
  </div>`;
}

let streaming = true;

/** Read a `POST /chat/stream` answer: `delta` events as the reply is written, then `done` (the `/chat` JSON). */
async function streamChat(text, onDelta) {
  const res = await api("chat/stream", { method: "POST", body: { message: text }, raw: true });
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf("\n\n")) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const name = /^event: (.*)$/m.exec(block)?.[1];
      const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] || "null");
      if (name === "delta") onDelta(data.text);
      if (name === "done") return data;
    }
  }
  throw new Error("The answer was cut off; please send again.");
}

/** Send one message: onboarding turns and coaching turns answer in different shapes. Coaching turns stream
 * when the server offers `POST /chat/stream`, else they use `POST /chat`. */
async function send(text, onboarding, onDelta) {
  if (onboarding) {
    const r = await api("chat/onboarding", { method: "POST", body: { message: text } });
    if (r.error) throw new Error(r.error);
    return r.response;
  }
  let r = null;
  if (streaming) {
    try {
      r = await streamChat(text, onDelta);
    } catch (err) {
      if (!(err instanceof ApiError && (err.status === 404 || err.status === 405))) throw err;
      streaming = false;
    }
  }
  if (!r) r = await api("chat", { method: "POST", body: { message: text } });
  if (!r.success) throw new Error(r.error || "The coach could not answer.");
  return r.response;
}

export function Chat({ initial, onboarding, reload, sender = send, label = "Message the coach" }) {
  const [turns, setTurns] = useState(initial);
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [announce, setAnnounce] = useState("");
  const [partial, setPartial] = useState("");
  const log = useRef(null);
  useEffect(() => {
    if (log.current) log.current.scrollTop = log.current.scrollHeight;
  }, [turns.length, busy]);
  async function submit(e) {
    e.preventDefault();
    const message = text.trim();
    if (!message || busy) return;
    setBusy(true);
    setError(null);
    try {
      const reply = await sender(message, onboarding, (piece) => setPartial((p) => p + piece));
      setTurns((t) => [...t, { role: "user", content: message }, { role: "assistant", content: reply }]);
      setText("");
      setAnnounce(`Coach: ${reply}`);
    } catch (err) {
      // What was typed stays in the box, to send again.
      setError(err);
    } finally {
      setBusy(false);
      setPartial("");
    }
  }
  async function clear() {
    if (!confirm("Clear this conversation? The coach forgets the session (your profile and memories stay).")) return;
    try {
      await api("chat/session", { method: "DELETE" });
      setTurns([]);
      setAnnounce("Conversation cleared.");
    } catch (err) {
      setError(err);
    }
  }
  async function finish() {
    setBusy(true);
    try {
      await api("profile/finalize-onboarding", { method: "POST" });
      reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return html`<section class="card" aria-labelledby="chat-h">
    <h2 id="chat-h">Conversation</h2>
    <div class="chat-log" ref=${log} data-testid="chat-log" tabindex="0" role="log" aria-label="Conversation so far">
      ${turns.length ? turns.map((t) => html`<div class=${`msg ${t.role}`}><span class="sr-only">${t.role === "user" ? "You" : "Coach"}: </span>${t.content}</div>`)
        : html`<p class="muted">No messages yet.</p>`}
      ${busy && partial && html`<div class="msg user">${text}</div><div class="msg assistant" aria-busy="true">${partial}</div>`}
      ${busy && !partial && html`<p class="muted" aria-hidden="true">The coach is thinking…</p>`}
    </div>
    <p class="sr-only" aria-live="polite" data-testid="chat-live">${announce}</p>
    <${ErrorText} error=${error} />
    <form onSubmit=${submit}>
      <div class="field"><label for="chat-input">${label}</label>
        <textarea id="chat-input" value=${text} onInput=${(e) => setText(e.target.value)}
          onKeyDown=${(e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) submit(e); }}></textarea></div>
      <div class="row"><button type="submit" disabled=${busy}>${busy ? "Sending…" : "Send"}</button>
        ${onboarding && html`<button type="button" class="secondary" disabled=${busy} onClick=${finish}>Finish onboarding</button>`}
        ${clear && reload && html`<button type="button" class="danger" onClick=${clear}>Clear session</button>`}</div>
    </form></section>`;
}

const FIELDS = [
  ["name", "Name", "text"], ["age", "Age", "number"], ["height", "Height", "text"], ["occupation", "Occupation", "text"],
  ["current_phase", "Current phase", "text"], ["target_weight_lbs", "Target weight (lbs)", "number"],
  ["target_body_fat_pct", "Target body fat (%)", "number"], ["training_days_per_week", "Training days per week", "text"],
  ["communication_style", "How the coach should talk to you", "text"],
];

function Profile({ profile, reload }) {
  const [values, setValues] = useState(() => Object.fromEntries(FIELDS.map(([k]) => [k, profile[k] ?? ""])));
  const [goal, setGoal] = useState("");
  const [saved, setSaved] = useState("");
  const [error, setError] = useState(null);
  async function save(e) {
    e.preventDefault();
    const body = {};
    for (const [k, , type] of FIELDS) {
      const v = values[k];
      if (String(v) !== String(profile[k] ?? "") && v !== "") body[k] = type === "number" ? Number(v) : v;
    }
    if (goal.trim()) body.goals = [goal.trim()];
    setError(null);
    try {
      await api("profile/sync", { method: "POST", body });
      setSaved("Profile saved.");
      setGoal("");
      reload();
    } catch (err) {
      setError(err);
    }
  }
  const targets = (t) => ["calories", "protein", "carbs", "fat"].map((k) => `${k} ${t?.[k] ?? "–"}`).join(", ");
  return html`<${Card} title="Your profile" id="profile-h">
    ${profile.summary && html`<p>${profile.summary}</p>`}
    <p class="small">Training-day targets: ${targets(profile.training_day_targets)}<br />Rest-day targets: ${targets(profile.rest_day_targets)}</p>
    ${profile.goals?.length ? html`<h3>Goals</h3><ul>${profile.goals.map((g) => html`<li>${g}</li>`)}</ul>` : ""}
    <form onSubmit=${save}>
      <div class="inline-fields wide">${FIELDS.map(([k, label, type]) => html`<div class="field"><label for=${`pf-${k}`}>${label}</label>
        <input id=${`pf-${k}`} type=${type} value=${values[k]} onInput=${(e) => setValues({ ...values, [k]: e.target.value })} /></div>`)}</div>
      <div class="field"><label for="pf-goal">Add a goal</label><input id="pf-goal" value=${goal} onInput=${(e) => setGoal(e.target.value)} /></div>
      <button type="submit">Save profile</button> <span role="status">${saved}</span>
    </form><${ErrorText} error=${error} />
  </${Card}>`;
}
