// Log: describe a meal, check the parsed macros, correct them in words, add it to a day; weight and body fat
// by hand. Entries are stored on the server (a browser is not a durable device).
import { api } from "./api.js";
import { html, useLoad, useState, Loading, Card, ErrorText, fmt, today } from "./ui.js";
import { LineChart } from "./chart.js";

export function Food() {
  const [state, reload] = useLoad(() => Promise.all([api("log"), api("health/body-metrics?days=30")]));
  return html`<h1>Log food and weight</h1><div class="grid">
    <${Meal} onAdded=${reload} />
    <${Body} onAdded=${reload} />
  </div><div class="stack" style="margin-top:1rem"><${Loading} state=${state}>${state.data && html`<${Logged} log=${state.data[0]} body=${state.data[1]} reload=${reload} />`}</${Loading}></div>`;
}

function Meal({ onAdded }) {
  const [text, setText] = useState("");
  const [parsed, setParsed] = useState(null);
  const [correction, setCorrection] = useState("");
  const [busy, setBusy] = useState("");
  const [error, setError] = useState(null);
  const [done, setDone] = useState("");
  async function step(label, call) {
    setBusy(label);
    setError(null);
    setDone("");
    try {
      await call();
    } catch (err) {
      setError(err);
    } finally {
      setBusy("");
    }
  }
  const parse = (e) => {
    e.preventDefault();
    step("parse", async () => {
      const r = await api("nutrition/parse", { method: "POST", body: { food_text: text } });
      if (!r.success) throw new Error(r.error || "The meal could not be parsed.");
      setParsed(r);
    });
  };
  const correct = (e) => {
    e.preventDefault();
    step("correct", async () => {
      const r = await api("nutrition/correct", { method: "POST", body: {
        original_name: parsed.name || text, original_calories: parsed.calories, original_protein: parsed.protein,
        original_carbs: parsed.carbs, original_fat: parsed.fat, correction } });
      if (r.success === false) throw new Error(r.error || "The correction failed.");
      setParsed({ ...parsed, ...r, components: parsed.components });
      setCorrection("");
    });
  };
  const add = () => step("add", async () => {
    const { name, calories, protein, carbs, fat } = parsed;
    await api("log/food", { method: "POST", body: { name: name || text.slice(0, 200), calories, protein, carbs, fat } });
    setDone(`Added ${name || "the meal"} to today.`);
    setParsed(null);
    setText("");
    onAdded();
  });
  return html`<${Card} title="Log a meal" id="meal-h">
    <form onSubmit=${parse}>
      <div class="field"><label for="meal">What did you eat?</label>
        <textarea id="meal" required value=${text} onInput=${(e) => setText(e.target.value)} placeholder="Two eggs, toast with butter, a coffee with milk"></textarea></div>
      <button type="submit" disabled=${!!busy}>${busy === "parse" ? "Estimating…" : "Estimate macros"}</button>
    </form>
    ${parsed && html`<div data-testid="parsed" style="margin-top:.75rem">
      <h3>${parsed.name || "Your meal"} <span class="pill">${parsed.confidence || ""} confidence</span></h3>
      <p><strong>${fmt(parsed.calories)}</strong> kcal · ${fmt(parsed.protein)} g protein · ${fmt(parsed.carbs)} g carbs · ${fmt(parsed.fat)} g fat</p>
      ${parsed.components?.length ? html`<table><thead><tr><th scope="col">Item</th><th scope="col" class="num">kcal</th><th scope="col" class="num">P</th><th scope="col" class="num">C</th><th scope="col" class="num">F</th></tr></thead>
        <tbody>${parsed.components.map((c) => html`<tr><td>${c.name}</td><td class="num">${c.calories}</td><td class="num">${c.protein}</td><td class="num">${c.carbs}</td><td class="num">${c.fat}</td></tr>`)}</tbody></table>` : ""}
      <form onSubmit=${correct} style="margin-top:.5rem">
        <div class="field"><label for="correction">Correct it in words</label>
          <input id="correction" value=${correction} onInput=${(e) => setCorrection(e.target.value)} placeholder="It was three eggs, not two" /></div>
        <div class="row"><button type="submit" class="secondary" disabled=${!!busy || !correction.trim()}>${busy === "correct" ? "Correcting…" : "Correct"}</button>
          <button type="button" disabled=${!!busy} onClick=${add}>Add to today</button></div>
      </form></div>`}
    <p role="status">${done}</p><${ErrorText} error=${error} />
  </${Card}>`;
}

function Body({ onAdded }) {
  const [weight, setWeight] = useState("");
  const [fat, setFat] = useState("");
  const [day, setDay] = useState(today());
  const [error, setError] = useState(null);
  const [done, setDone] = useState("");
  async function save(e) {
    e.preventDefault();
    setError(null);
    setDone("");
    const body = { date: day };
    if (weight) body.weight_lbs = Number(weight);
    if (fat) body.body_fat_pct = Number(fat);
    try {
      await api("log/body", { method: "POST", body });
      setDone(`Saved for ${day}.`);
      setWeight("");
      setFat("");
      onAdded();
    } catch (err) {
      setError(err);
    }
  }
  return html`<${Card} title="Log weight" id="body-h">
    <form onSubmit=${save}>
      <div class="inline-fields">
        <div class="field"><label for="weight">Weight (lbs)</label><input id="weight" type="number" step="0.1" min="40" max="999" inputmode="decimal" value=${weight} onInput=${(e) => setWeight(e.target.value)} /></div>
        <div class="field"><label for="bodyfat">Body fat (%)</label><input id="bodyfat" type="number" step="0.1" min="2" max="74" inputmode="decimal" value=${fat} onInput=${(e) => setFat(e.target.value)} /></div>
        <div class="field"><label for="body-date">Date</label><input id="body-date" type="date" max=${today()} value=${day} onInput=${(e) => setDay(e.target.value)} /></div>
      </div>
      <button type="submit" disabled=${!weight && !fat}>Save</button>
    </form>
    <p role="status">${done}</p><${ErrorText} error=${error} />
  </${Card}>`;
}

function Logged({ log, body, reload }) {
  const [error, setError] = useState(null);
  async function remove(entry) {
    try {
      await api(`log/${log.date}/${entry.id}`, { method: "DELETE" });
      reload();
    } catch (err) {
      setError(err);
    }
  }
  const w = body.weight_history;
  return html`<${Card} title=${`Logged here on ${log.date}`} id="logged-h">
      <p>Day total: <strong data-testid="log-total">${fmt(log.nutrition.calories)}</strong> kcal, ${fmt(log.nutrition.protein)} g protein
        <span class="muted small"> (phone: ${fmt(log.phone.nutrition.calories)} kcal)</span></p>
      ${log.entries.length ? html`<ul>${log.entries.map((e) => html`<li>${e.kind === "food" ? `${e.name}: ${e.calories} kcal, ${e.protein} g protein`
        : `${e.weight_lbs != null ? `${e.weight_lbs} lbs` : ""}${e.body_fat_pct != null ? ` ${e.body_fat_pct}% body fat` : ""}`}
        <button class="link" aria-label=${`Delete ${e.name || "reading"}`} onClick=${() => remove(e)}>Delete</button></li>`)}</ul>`
        : html`<p class="muted">Nothing logged in the browser today.</p>`}
      <${ErrorText} error=${error} />
    </${Card}>
    <${LineChart} id="ch-weight" title="Weight, last 30 days" dates=${w.map((p) => p.date)} series=${[{ label: "Weight", unit: "lbs", values: w.map((p) => p.value) }]} />`;
}
