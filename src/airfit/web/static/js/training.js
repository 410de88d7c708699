// Training: strength history per exercise (e1RM, PRs marked), weekly sets per muscle group, recent workouts,
// and the Hevy connection (connect, test, sync now, last sync and its error).
import { api, loadMe } from "./api.js";
import { html, useLoad, useState, useEffect, Loading, Card, ErrorText, dayText, fmt, plural, word } from "./ui.js";
import { amount, shown, unitOf } from "./units.js";
import { LineChart } from "./chart.js";

export function Training() {
  const [state, reload] = useLoad(() =>
    Promise.all([loadMe(), api("training/exercises?limit=30"), api("hevy/set-tracker?days=7"), api("hevy/recent-workouts?limit=7"), api("hevy/status")]));
  return html`<h1>Training</h1><${Loading} state=${state}>${state.data && html`<${Body} data=${state.data} reload=${reload} />`}</${Loading}>`;
}

function Body({ data: [me, exercises, tracker, recent, status], reload }) {
  const names = exercises.exercises.map((e) => e.name);
  return html`<div class="stack">
    <${Strength} me=${me} names=${names} />
    <div class="grid">
      <${Card} title="Sets this week by muscle group" id="tr-sets">
        ${Object.keys(tracker.muscle_groups).length
          ? html`<table><thead><tr><th scope="col">Muscle</th><th scope="col" class="num">Sets</th><th scope="col" class="num">Range</th><th scope="col">Status</th></tr></thead><tbody>
            ${Object.entries(tracker.muscle_groups).map(([m, v]) => html`<tr><td>${m.charAt(0).toUpperCase()}${m.slice(1)}</td><td class="num">${v.current}</td><td class="num">${v.min}–${v.max}</td><td>${word(v.status)}</td></tr>`)}</tbody></table>`
          : html`<p class="muted">No sets in the last 7 days.</p>`}
      </${Card}>
      <${Card} title="Recent workouts" id="tr-recent">
        ${recent.workouts.length
          ? html`<ul>${recent.workouts.map((w) => html`<li><strong>${w.title}</strong> <span class="muted small">${dayText(w.date, false)} · ${w.duration_minutes} min · ${fmt(shown(me, "mass", w.total_volume_lbs), 0)} ${unitOf(me, "mass")} lifted</span><br /><span class="small">${w.exercises.join(", ")}</span></li>`)}</ul>`
          : html`<p class="muted">No workouts stored yet.</p>`}
      </${Card}>
      <${Hevy} status=${status} reload=${reload} />
    </div></div>`;
}

function Strength({ me, names }) {
  const [name, setName] = useState(names[0] || "");
  useEffect(() => setName(names[0] || ""), [names.join("|")]);
  const [state] = useLoad(() => (name ? api(`training/strength-history?days=3650&exercise=${encodeURIComponent(name)}`) : Promise.resolve(null)), [name]);
  if (!names.length) return html`<${Card} title="Strength" id="tr-strength"><p class="muted">No lifts yet: connect Hevy below to see your strength over time.</p></${Card}>`;
  let best = 0;
  const rows = (state.data?.history || []).map((p) => {
    const pr = p.e1rm > best;
    best = Math.max(best, p.e1rm);
    return { ...p, pr };
  });
  return html`<div class="stack">
    <div class="field narrow"><label for="exercise">Exercise</label>
      <select id="exercise" value=${name} onChange=${(e) => setName(e.target.value)}>${names.map((n) => html`<option value=${n}>${n}</option>`)}</select></div>
    <${Loading} state=${state}>${state.data && html`<div>
      ${state.data.current_pr && html`<p>Best: <span class="pr">${amount(me, "mass", state.data.current_pr.weight_lbs)} × ${state.data.current_pr.reps}</span> (estimated one-rep max ${amount(me, "mass", state.data.current_pr.e1rm)}, ${dayText(state.data.current_pr.date)})</p>`}
      <${LineChart} id="ch-e1rm" title=${`${name}: estimated one-rep max`} dates=${rows.map((r) => r.date)}
        series=${[{ label: "Estimated 1RM", unit: unitOf(me, "mass"), values: rows.map((r) => shown(me, "mass", r.e1rm)) },
                  { label: "Record", unit: unitOf(me, "mass"), values: rows.map((r) => (r.pr ? shown(me, "mass", r.e1rm) : null)), color: "--chart2", marks: true }]} />
    </div>`}</${Loading}></div>`;
}

function Hevy({ status, reload }) {
  const [key, setKey] = useState("");
  const [busy, setBusy] = useState("");
  const [message, setMessage] = useState("");
  const [error, setError] = useState(null);
  async function run(label, call) {
    setBusy(label);
    setError(null);
    setMessage("");
    try {
      setMessage(await call());
      reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy("");
    }
  }
  const connect = (e) => {
    e.preventDefault();
    run("connect", async () => {
      const r = await api("hevy/key", { method: "PUT", body: { api_key: key.trim() } });
      setKey("");
      return `Connected${r.workout_count != null ? `: Hevy has ${plural(r.workout_count, "workout")}` : ""}; importing them now.`;
    });
  };
  return html`<${Card} title="Hevy" id="tr-hevy">
    ${status.configured
      ? html`<p>Connected. ${plural(status.workouts_stored, "workout")} and ${plural(status.exercises_tracked, "exercise")} stored.</p>
        <p class="small muted">${status.syncing ? "Syncing now." : status.last_success_at ? `Last synced ${new Date(status.last_success_at).toLocaleString()}.` : "Not synced yet."}</p>`
      : html`<p>Not connected. Hevy Pro gives each account an API key (hevy.com → Settings → Developer); paste yours below.</p>
        ${status.workouts_stored ? html`<p class="small muted">${plural(status.workouts_stored, "workout")} kept from before.</p>` : ""}`}
    ${status.last_error && html`<p class="error small">Last error: ${status.last_error}</p>`}
    <div class="row">
      <button class="secondary" disabled=${!!busy || !status.configured} onClick=${() => run("sync", async () => {
        const r = await api("hevy/sync", { method: "POST" });
        return r.error ? `The sync did not finish: ${r.error}` : `Synced: ${plural(r.workouts_processed, "workout")} brought in.`;
      })}>${busy === "sync" ? "Syncing…" : "Sync now"}</button>
      <button class="secondary" disabled=${!!busy || !status.configured} onClick=${() => run("test", async () => {
        const r = await api("hevy/key/test", { method: "POST" });
        return r.valid ? "The key works." : "Hevy rejected the key.";
      })}>Test key</button>
    </div>
    <form onSubmit=${connect} class="spaced">
      <div class="field"><label for="hevy-key">${status.configured ? "Replace API key" : "Hevy API key"}</label>
        <input id="hevy-key" type="password" autocomplete="off" required value=${key} onInput=${(e) => setKey(e.target.value)} /></div>
      <button type="submit" disabled=${!!busy}>${busy === "connect" ? "Checking…" : "Connect"}</button>
    </form>
    <p role="status" class="small">${message}</p><${ErrorText} error=${error} />
  </${Card}>`;
}
