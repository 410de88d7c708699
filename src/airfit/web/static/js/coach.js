// Coach: the conversation (kept on the server, shown again on reload), onboarding for someone without a
// profile (a conversation with an AI model; without one, a short form), the profile with inline edits, and
// clearing the session.
import { api, ApiError, loadMe } from "./api.js";
import { html, useLoad, useState, useEffect, useRef, Loading, Card, ErrorText } from "./ui.js";
import { amount, shown, stored, unitOf } from "./units.js";

export function Coach() {
  const [state, reload] = useLoad(() => Promise.all([loadMe(), api("profile"), api("chat/history"), api("health")]));
  return html`<h1>Coach</h1><${Loading} state=${state}>${state.data && html`<${Body} me=${state.data[0]} profile=${state.data[1]}
    turns=${state.data[2].turns} llm=${state.data[3].providers.length > 0} reload=${reload} />`}</${Loading}>`;
}

function Body({ me, profile, turns, llm, reload }) {
  const onboarding = !profile.onboarding_complete;
  return html`<div class="stack">
    ${!llm && html`<p class="notice" data-testid="no-llm">The coach talks through an AI model, and this server has none set up; everything else works without one.</p>`}
    ${onboarding && llm && html`<p class="notice">Welcome! Tell the coach about yourself, your goals and your training; finish when you are ready.</p>`}
    ${onboarding && !llm && html`<${ShortOnboarding} reload=${reload} />`}
    ${llm && html`<${Chat} initial=${turns} onboarding=${onboarding} reload=${reload} />`}
    <${Profile} key=${JSON.stringify(profile)} me=${me} profile=${profile} reload=${reload} />
  </div>`;
}

/** Onboarding without an AI model: the few facts the coach and the targets start from. */
function ShortOnboarding({ reload }) {
  const [values, setValues] = useState({ name: "", goal: "", days: "" });
  const [error, setError] = useState(null);
  const set = (key) => (e) => setValues({ ...values, [key]: e.target.value });
  async function save(e) {
    e.preventDefault();
    setError(null);
    const body = { name: values.name.trim(), onboarding_complete: true };
    if (values.goal.trim()) body.goals = [values.goal.trim()];
    if (values.days) body.training_days_per_week = Number(values.days);
    try {
      await api("profile/sync", { method: "POST", body });
      reload();
    } catch (err) {
      setError(err);
    }
  }
  return html`<${Card} title="About you" id="onboard-h">
    <p class="small muted">A few facts to start from; add more to your profile below at any time.</p>
    <form onSubmit=${save}>
      <div class="field"><label for="ob-name">Your name</label><input id="ob-name" required maxlength="80" value=${values.name} onInput=${set("name")} /></div>
      <div class="field"><label for="ob-goal">Your main goal</label><input id="ob-goal" maxlength="200" value=${values.goal} onInput=${set("goal")} placeholder="Lose 5 kg by summer" /></div>
      <div class="field"><label for="ob-days">Training days per week</label><input id="ob-days" type="number" min="0" max="7" step="1" value=${values.days} onInput=${set("days")} /></div>
      <button type="submit">Save</button>
    </form><${ErrorText} error=${error} />
  </${Card}>`;
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
      const r = await api("profile/finalize-onboarding", { method: "POST" });
      if (r.status === "nothing_to_finalize") throw new Error("Tell the coach a little about yourself first.");
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
        ${onboarding && html`<button type="button" class="secondary" disabled=${busy || !turns.length} onClick=${finish}>Finish onboarding</button>`}
        ${clear && reload && html`<button type="button" class="danger" onClick=${clear}>Clear session</button>`}</div>
    </form></section>`;
}

const FIELDS = [
  ["name", "Name", "text"], ["age", "Age", "number"], ["occupation", "Occupation", "text"],
  ["current_phase", "Current phase", "text"], ["target_body_fat_pct", "Target body fat (%)", "number"],
  ["training_days_per_week", "Training days per week", "text"],
  ["communication_style", "How the coach should talk to you", "text"],
];

function targetText(me, t) {
  if (!t || t.calories == null) return "none set";
  const energy = typeof t.calories === "number" ? amount(me, "energy", t.calories) : `${t.calories} kcal`;
  return t.protein != null ? `${energy} and ${t.protein} g protein` : energy;
}

function Profile({ me, profile, reload }) {
  const mass = unitOf(me, "mass");
  const length = me.units.length;
  const initialTarget = profile.target_weight_lbs != null ? String(shown(me, "mass", profile.target_weight_lbs)) : "";
  const [values, setValues] = useState(() => ({
    ...Object.fromEntries(FIELDS.map(([k]) => [k, profile[k] ?? ""])),
    target_weight: initialTarget,
    height: "",
  }));
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
    if (values.target_weight !== "" && values.target_weight !== initialTarget) body.target_weight_lbs = stored(me, "mass", values.target_weight);
    // Height is kept as the person wrote it, with its unit: the coach reads it as text.
    if (values.height !== "") body.height = `${values.height} ${length}`;
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
  const set = (k) => (e) => setValues({ ...values, [k]: e.target.value });
  return html`<${Card} title="Your profile" id="profile-h">
    ${profile.summary && html`<p>${profile.summary}</p>`}
    <p class="small">Targets: training days ${targetText(me, profile.training_day_targets)}; rest days ${targetText(me, profile.rest_day_targets)}.${" "}
      <a href="#/settings?s=targets">Change them</a></p>
    ${profile.height ? html`<p class="small">Height: ${profile.height}</p>` : ""}
    ${profile.goals?.length ? html`<h3>Goals</h3><ul>${profile.goals.map((g) => html`<li>${g}</li>`)}</ul>` : ""}
    <form onSubmit=${save}>
      <div class="inline-fields wide">${FIELDS.map(([k, label, type]) => html`<div class="field"><label for=${`pf-${k}`}>${label}</label>
        <input id=${`pf-${k}`} type=${type} value=${values[k]} onInput=${set(k)} /></div>`)}
        <div class="field"><label for="pf-target-weight">Target weight (${mass})</label>
          <input id="pf-target-weight" type="number" step="0.1" min="0" value=${values.target_weight} onInput=${set("target_weight")} /></div>
        <div class="field"><label for="pf-height">Height (${length})</label>
          <input id="pf-height" type="number" step="1" min="0" value=${values.height} onInput=${set("height")} placeholder=${profile.height || ""} /></div>
      </div>
      <div class="field"><label for="pf-goal">Add a goal</label><input id="pf-goal" value=${goal} onInput=${(e) => setGoal(e.target.value)} /></div>
      <button type="submit">Save profile</button> <span role="status">${saved}</span>
    </form><${ErrorText} error=${error} />
  </${Card}>`;
}
