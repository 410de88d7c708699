// Log: meals typed by hand (an AI estimate, when the server has a model, only fills the form for review),
// recent and favourite meals one tap away, weight and body fat, for any day (in the user's own time zone).
// Every entry goes through the browser's queue (queue.js), so nothing typed is lost while the server is away.
import { api, loadMe } from "./api.js";
import { dismissRefused, enqueue, refused, useLanded, useQueue, waiting } from "./queue.js";
import { html, useLoad, useState, Loading, Card, ErrorText, addDays, dayText, fmt } from "./ui.js";
import { amount, shown, step, stored, unitOf } from "./units.js";
import { LineChart } from "./chart.js";

const EARLIEST = "1900-01-01";
const QUEUED = "Kept in this browser: it is sent as soon as the server answers.";

export function Food() {
  const [state] = useLoad(loadMe);
  // Whether the server has an AI model only adds the estimate helper: logging never waits for the answer.
  const [health] = useLoad(() => api("health"));
  const llm = health.data ? health.data.providers.length > 0 : null;
  return html`<h1>Log food and weight</h1><${Loading} state=${state}>${state.data &&
    html`<${Logbook} me=${state.data} llm=${llm} />`}</${Loading}>`;
}

function Logbook({ me, llm }) {
  const [day, setDay] = useState(me.today);
  const [state, reload] = useLoad(
    () => Promise.all([api(`log?date=${day}`), api("log/meals"), api("health/body-metrics?days=30")]),
    [day],
  );
  useLanded(reload);
  const latest = addDays(me.today, 1);
  // Where a new entry stands, in words: the day is read again when it lands (`useLanded`), and a refused
  // one is shown with the server's reason under the day's entries.
  const logged = (outcome, done) => (outcome === "sent" ? done : outcome === "waiting" ? QUEUED : "");
  return html`<div class="stack">
    <div class="day-picker" role="group" aria-label="Day shown">
      <button class="secondary" disabled=${day <= EARLIEST} onClick=${() => setDay(addDays(day, -1))} aria-label="Previous day">‹</button>
      <label class="sr-only" for="log-day">Day</label>
      <input id="log-day" type="date" min=${EARLIEST} max=${latest} value=${day}
        onChange=${(e) => e.target.value && e.target.value >= EARLIEST && e.target.value <= latest && setDay(e.target.value)} />
      <button class="secondary" disabled=${day >= latest} onClick=${() => setDay(addDays(day, 1))} aria-label="Next day">›</button>
      ${day !== me.today && html`<button class="link" onClick=${() => setDay(me.today)}>Back to today</button>`}
    </div>
    <div class="grid">
      <${MealForm} me=${me} day=${day} llm=${llm} logged=${logged} />
      <${BodyForm} me=${me} day=${day} logged=${logged} />
    </div>
    ${state.data && html`<${QuickMeals} me=${me} day=${day} meals=${state.data[1]} reload=${reload} logged=${logged} />`}
    <${Logged} me=${me} day=${day} state=${state} reload=${reload} />
    <${Loading} state=${state}>${state.data && html`<${WeightChart} me=${me} body=${state.data[2]} />`}</${Loading}>
  </div>`;
}

const blankMeal = { name: "", energy: "", protein: "", carbs: "", fat: "" };

function MealForm({ me, day, llm, logged }) {
  const [meal, setMeal] = useState(blankMeal);
  const [status, setStatus] = useState("");
  const [error, setError] = useState(null);
  const set = (key) => (e) => setMeal({ ...meal, [key]: e.target.value });
  const energy = unitOf(me, "energy");
  async function save(e) {
    e.preventDefault();
    setError(null);
    setStatus("");
    const body = {
      date: day,
      name: meal.name.trim(),
      calories: Math.round(stored(me, "energy", meal.energy || 0)),
      protein: Math.round(Number(meal.protein || 0)),
      carbs: Math.round(Number(meal.carbs || 0)),
      fat: Math.round(Number(meal.fat || 0)),
    };
    try {
      setStatus(logged(await enqueue("food", body), `Logged ${body.name} on ${dayText(day, false)}.`));
      setMeal(blankMeal);
    } catch (err) {
      setError(new Error(`This browser could not keep the meal (${err.message}); nothing was logged.`));
    }
  }
  const fill = (parsed) =>
    setMeal({
      name: parsed.name || meal.name,
      energy: String(shown(me, "energy", parsed.calories ?? 0)),
      protein: String(parsed.protein ?? 0),
      carbs: String(parsed.carbs ?? 0),
      fat: String(parsed.fat ?? 0),
    });
  return html`<${Card} title="Log a meal" id="meal-h">
    <form onSubmit=${save}>
      <div class="field"><label for="meal-name">Meal</label>
        <input id="meal-name" required maxlength="200" value=${meal.name} onInput=${set("name")} placeholder="Porridge with berries" /></div>
      <div class="inline-fields">
        <div class="field"><label for="meal-energy">Energy (${energy})</label>
          <input id="meal-energy" type="number" required min="0" step=${step(me, "energy")} inputmode="numeric" value=${meal.energy} onInput=${set("energy")} /></div>
        <div class="field"><label for="meal-protein">Protein (g)</label>
          <input id="meal-protein" type="number" min="0" step="1" inputmode="numeric" value=${meal.protein} onInput=${set("protein")} /></div>
        <div class="field"><label for="meal-carbs">Carbs (g)</label>
          <input id="meal-carbs" type="number" min="0" step="1" inputmode="numeric" value=${meal.carbs} onInput=${set("carbs")} /></div>
        <div class="field"><label for="meal-fat">Fat (g)</label>
          <input id="meal-fat" type="number" min="0" step="1" inputmode="numeric" value=${meal.fat} onInput=${set("fat")} /></div>
      </div>
      <button type="submit">Log meal</button>
    </form>
    <p role="status" class="small">${status}</p><${ErrorText} error=${error} />
    ${llm ? html`<${Estimate} me=${me} fill=${fill} />`
      : llm === false && html`<p class="muted small" data-testid="no-estimate">Estimating a meal from a description needs an AI model, which this server does not have; type the numbers from the label or a food table.</p>`}
  </${Card}>`;
}

/** Describe a meal; the AI's estimate fills the form above, to be checked before logging. */
function Estimate({ me, fill }) {
  const [text, setText] = useState("");
  const [correction, setCorrection] = useState("");
  const [parsed, setParsed] = useState(null);
  const [busy, setBusy] = useState("");
  const [error, setError] = useState(null);
  async function run(label, call) {
    setBusy(label);
    setError(null);
    try {
      const r = await call();
      if (r.success === false) throw new Error("The estimate did not work this time; type the numbers, or try again.");
      const next = parsed && label === "correct" ? { ...parsed, ...r } : r;
      setParsed(next);
      fill(next);
    } catch (err) {
      setError(err);
    } finally {
      setBusy("");
    }
  }
  const estimate = (e) => {
    e.preventDefault();
    run("parse", () => api("nutrition/parse", { method: "POST", body: { food_text: text } }));
  };
  const correct = (e) => {
    e.preventDefault();
    run("correct", () => api("nutrition/correct", { method: "POST", body: {
      original_name: parsed.name || text, original_calories: parsed.calories, original_protein: parsed.protein,
      original_carbs: parsed.carbs, original_fat: parsed.fat, correction } }));
    setCorrection("");
  };
  return html`<details class="estimate"><summary>Estimate it from a description</summary>
    <form onSubmit=${estimate}>
      <div class="field"><label for="meal-text">What did you eat?</label>
        <textarea id="meal-text" required value=${text} onInput=${(e) => setText(e.target.value)} placeholder="Two eggs, toast with butter, a coffee with milk"></textarea></div>
      <button type="submit" class="secondary" disabled=${!!busy}>${busy === "parse" ? "Estimating…" : "Estimate"}</button>
    </form>
    ${parsed && html`<div data-testid="parsed">
      <p class="small">The form above now holds the estimate for ${parsed.name || "your meal"}: ${amount(me, "energy", parsed.calories)}, ${fmt(parsed.protein)} g protein. Check it, then log it.</p>
      <form onSubmit=${correct}>
        <div class="field"><label for="correction">Correct it in words</label>
          <input id="correction" value=${correction} onInput=${(e) => setCorrection(e.target.value)} placeholder="It was three eggs, not two" /></div>
        <button type="submit" class="secondary" disabled=${!!busy || !correction.trim()}>${busy === "correct" ? "Correcting…" : "Correct"}</button>
      </form></div>`}
    <${ErrorText} error=${error} />
  </details>`;
}

function QuickMeals({ me, day, meals, reload, logged }) {
  const [status, setStatus] = useState("");
  const [error, setError] = useState(null);
  const favourite = (meal) => meals.favourites.find((f) => f.name.trim().toLowerCase() === meal.name.trim().toLowerCase()
    && f.calories === meal.calories && f.protein === meal.protein && f.carbs === meal.carbs && f.fat === meal.fat);
  async function again(meal) {
    setStatus("");
    const { name, calories, protein, carbs, fat } = meal;
    const outcome = await enqueue("food", { date: day, name, calories, protein, carbs, fat });
    setStatus(logged(outcome, `Logged ${name} on ${dayText(day, false)}.`));
  }
  async function star(meal) {
    setError(null);
    const kept = favourite(meal);
    try {
      if (kept) await api(`log/meals/favourites/${kept.id}`, { method: "DELETE" });
      else {
        const { name, calories, protein, carbs, fat } = meal;
        await api("log/meals/favourites", { method: "POST", body: { name, calories, protein, carbs, fat } });
      }
      reload();
    } catch (err) {
      setError(err);
    }
  }
  const recent = meals.recent.filter((m) => !favourite(m));
  const row = (meal) => {
    const kept = Boolean(favourite(meal));
    return html`<li class="quick">
    <button class="secondary" onClick=${() => again(meal)} aria-label=${`Log ${meal.name} again`}>${meal.name}</button>
    <span class="muted small">${amount(me, "energy", meal.calories)} · ${meal.protein} g protein</span>
    <button class="link" aria-pressed=${kept} onClick=${() => star(meal)}
      aria-label=${`${kept ? "Remove" : "Keep"} ${meal.name} ${kept ? "from" : "in"} favourites`}>${kept ? "★" : "☆"}</button></li>`;
  };
  if (!meals.favourites.length && !recent.length) return "";
  return html`<${Card} title="Log again" id="quick-h">
    ${meals.favourites.length ? html`<h3>Favourites</h3><ul class="plain">${meals.favourites.map(row)}</ul>` : ""}
    ${recent.length ? html`<h3>Recent</h3><ul class="plain">${recent.map(row)}</ul>` : ""}
    <p role="status" class="small">${status}</p><${ErrorText} error=${error} />
  </${Card}>`;
}

function BodyForm({ me, day, logged }) {
  const [weight, setWeight] = useState("");
  const [fat, setFat] = useState("");
  const [status, setStatus] = useState("");
  const mass = unitOf(me, "mass");
  // The server takes 40-1000 lbs; the same range in the person's unit.
  const [low, high] = [Math.ceil(shown(me, "mass", 40.1)), Math.floor(shown(me, "mass", 999))];
  async function save(e) {
    e.preventDefault();
    setStatus("");
    const body = { date: day };
    if (weight) body.weight_lbs = stored(me, "mass", weight);
    if (fat) body.body_fat_pct = Number(fat);
    setStatus(logged(await enqueue("body", body), `Saved for ${dayText(day, false)}.`));
    setWeight("");
    setFat("");
  }
  return html`<${Card} title="Log weight" id="body-h">
    <form onSubmit=${save}>
      <div class="inline-fields">
        <div class="field"><label for="weight">Weight (${mass})</label><input id="weight" type="number" step="0.1" min=${low} max=${high} inputmode="decimal" value=${weight} onInput=${(e) => setWeight(e.target.value)} /></div>
        <div class="field"><label for="bodyfat">Body fat (%)</label><input id="bodyfat" type="number" step="0.1" min="2" max="74" inputmode="decimal" value=${fat} onInput=${(e) => setFat(e.target.value)} /></div>
      </div>
      <button type="submit" disabled=${!weight && !fat}>Save</button>
    </form>
    <p role="status" class="small">${status}</p>
  </${Card}>`;
}

function entryText(me, e) {
  if (e.kind === "food") return `${e.name}: ${amount(me, "energy", e.calories)}, ${fmt(e.protein)} g protein`;
  const parts = [];
  if (e.weight_lbs != null) parts.push(amount(me, "mass", e.weight_lbs));
  if (e.body_fat_pct != null) parts.push(`${fmt(e.body_fat_pct, 1)}% body fat`);
  return parts.join(", ");
}

/** The day's entries: those on the server, and those still waiting in this browser (shown even while the
 * server cannot be reached). */
function Logged({ me, day, state, reload }) {
  useQueue();
  const [error, setError] = useState(null);
  const log = state.data?.[0];
  async function remove(entry) {
    setError(null);
    try {
      await api(`log/${day}/${entry.id}`, { method: "DELETE" });
      reload();
    } catch (err) {
      setError(err);
    }
  }
  const queued = waiting().filter((e) => e.body.date === day);
  const turnedDown = refused().filter((e) => e.body.date === day);
  const stored = log?.date === day ? log.entries : [];
  const phone = log?.phone.nutrition.calories;
  const asEntry = (e) => (e.body.name ? { kind: "food", ...e.body } : e.body);
  return html`<${Card} title=${`Logged on ${dayText(day)}`} id="logged-h">
      ${log ? html`<p>Day total: <strong data-testid="log-total">${fmt(shown(me, "energy", log.nutrition.calories))}</strong> ${unitOf(me, "energy")}, ${fmt(log.nutrition.protein)} g protein
        ${phone ? html`<span class="muted small"> (${amount(me, "energy", phone)} of it from the phone)</span>` : ""}</p>`
        : html`<${ErrorText} error=${state.error} />`}
      ${stored.length || queued.length ? html`<ul data-testid="log-entries">
        ${stored.map((e) => html`<li>${entryText(me, e)}
          <button class="link" aria-label=${`Delete ${e.name || "reading"}`} onClick=${() => remove(e)}>Delete</button></li>`)}
        ${queued.map((e) => html`<li class="pending" data-testid="pending-entry">${entryText(me, asEntry(e))} <span class="pill">waiting to be sent</span></li>`)}
      </ul>` : log ? html`<p class="muted">Nothing logged in the browser on this day.</p>` : ""}
      ${turnedDown.map((e) => html`<p class="error" role="alert">Not saved: ${entryText(me, asEntry(e))}. ${e.reason}
        <button class="link" onClick=${() => dismissRefused(e.key)}>Dismiss</button></p>`)}
      <${ErrorText} error=${error} />
    </${Card}>`;
}

function WeightChart({ me, body }) {
  const w = body.weight_history;
  return html`<${LineChart} id="ch-weight" title="Weight, last 30 days" dates=${w.map((p) => p.date)} end=${me.today} days=${30}
    empty="No weight yet: log one above, or connect the iPhone app."
    series=${[{ label: "Weight", unit: unitOf(me, "mass"), values: w.map((p) => shown(me, "mass", p.value)) }]} />`;
}
