// Trends: calories and protein, weight with its smoothed trend, body fat, lean mass, sleep and steps.
import { api } from "./api.js";
import { html, useLoad, useState, Loading, fmt } from "./ui.js";
import { LineChart, ema } from "./chart.js";

const RANGES = [["week", "Week", 7], ["month", "Month", 30], ["quarter", "Quarter", 90], ["year", "Year", 365]];

export async function loadTrends(days) {
  const [snaps, body] = await Promise.all([api(`insights/snapshots?days=${days}`), api(`health/body-metrics?days=${days}`)]);
  return { snaps: snaps.snapshots, body };
}

function bodySeries(body) {
  const byDate = new Map();
  const put = (list, key) => list.forEach((p) => byDate.set(p.date, { ...byDate.get(p.date), [key]: p.value }));
  put(body.weight_history, "weight");
  put(body.body_fat_history, "fat");
  put(body.lean_mass_history || [], "lean");
  const dates = [...byDate.keys()].sort();
  const col = (key) => dates.map((d) => byDate.get(d)[key] ?? null);
  return { dates, weight: col("weight"), fat: col("fat"), lean: col("lean") };
}

export function Trends() {
  const [range, setRange] = useState("month");
  const days = RANGES.find((r) => r[0] === range)[2];
  const [state] = useLoad(() => loadTrends(days), [days]);
  return html`<h1>Trends</h1>
    <div class="segmented" role="group" aria-label="Period">${RANGES.map(([id, label]) =>
      html`<button aria-pressed=${range === id} onClick=${() => setRange(id)}>${label}</button>`)}</div>
    <div class="stack" style="margin-top:1rem"><${Loading} state=${state}>${state.data && html`<${Charts} ...${state.data} />`}</${Loading}></div>`;
}

function Charts({ snaps, body }) {
  const dates = snaps.map((s) => s.date);
  const nutrition = [
    { label: "Calories", unit: "kcal", values: snaps.map((s) => s.nutrition.calories || null), color: "--chart1" },
    { label: "Protein", unit: "g", values: snaps.map((s) => s.nutrition.protein || null), color: "--chart2", dash: [6, 4] },
  ];
  const b = bodySeries(body);
  const weightLines = [
    { label: "Weight", unit: "lbs", values: b.weight, color: "--chart1" },
    { label: "Weight trend", unit: "lbs", values: ema(b.weight), color: "--chart2", dash: [6, 4] },
  ];
  const compLines = [
    { label: "Body fat", unit: "%", values: b.fat, color: "--chart3" },
    { label: "Lean mass", unit: "lbs", values: b.lean, color: "--chart1", dash: [6, 4] },
  ];
  const c = body.current;
  return html`
    <p class="muted">${dates.length} days with data.
      Now: <strong data-testid="current-weight">${fmt(c.weight_lbs, 1)}</strong> lbs${c.body_fat_pct != null ? `, ${fmt(c.body_fat_pct, 1)}% body fat` : ""}.</p>
    <${LineChart} id="ch-nutrition" title="Calories and protein" dates=${dates} series=${nutrition} />
    <${LineChart} id="ch-weight" title="Weight and its trend" dates=${b.dates} series=${weightLines} />
    ${b.fat.some((v) => v != null) && html`<${LineChart} id="ch-comp" title="Body fat and lean mass" dates=${b.dates} series=${compLines} />`}
    <${LineChart} id="ch-sleep" title="Sleep" dates=${dates} series=${[{ label: "Sleep", unit: "h", values: snaps.map((s) => s.health.sleep_hours) }]} />
    <${LineChart} id="ch-steps" title="Steps" dates=${dates} series=${[{ label: "Steps", unit: "steps", values: snaps.map((s) => s.health.steps || null), color: "--chart2" }]} />`;
}
