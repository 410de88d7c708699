// Trends: energy and protein, weight with its trend, body fat and lean mass, sleep and steps, in the user's
// units. Week and month show the days; quarter and year show weekly averages with the days as faint dots.
import { api, loadMe } from "./api.js";
import { hashParam, html, useLoad, useState, Loading, fmt, plural } from "./ui.js";
import { LineChart, ema } from "./chart.js";
import { shown, unitOf } from "./units.js";

const RANGES = [["week", "Week", 7], ["month", "Month", 30], ["quarter", "Quarter", 91], ["year", "Year", 365]];
const WEEKLY_FROM = 91;

export async function loadTrends(days) {
  const [me, snaps, body] = await Promise.all([
    loadMe(),
    api(`insights/snapshots?days=${days}`),
    api(`health/body-metrics?days=${days}`),
  ]);
  return { me, snaps: snaps.snapshots, body, days };
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

/** The period in the address (`#/trends?range=year`), so a view can be bookmarked. */
function rangeInAddress() {
  const asked = hashParam("range");
  return RANGES.some((r) => r[0] === asked) ? asked : "month";
}

export function Trends() {
  const [range, setRange] = useState(rangeInAddress);
  const choose = (id) => {
    history.replaceState(null, "", `#/trends?range=${id}`);
    setRange(id);
  };
  const days = RANGES.find((r) => r[0] === range)[2];
  const [state] = useLoad(() => loadTrends(days), [days]);
  return html`<h1>Trends</h1>
    <div class="segmented" role="group" aria-label="Period">${RANGES.map(([id, label]) =>
      html`<button aria-pressed=${range === id} onClick=${() => choose(id)}>${label}</button>`)}</div>
    <div class="stack spaced"><${Loading} state=${state}>${state.data && html`<${Charts} ...${state.data} />`}</${Loading}></div>`;
}

function Charts({ me, snaps, body, days }) {
  const dates = snaps.map((s) => s.date);
  const b = bodySeries(body);
  if (!dates.length && !b.dates.length) {
    return html`<section class="card" aria-labelledby="no-trends-h" data-testid="trends-empty">
      <h2 id="no-trends-h">Nothing to chart yet</h2>
      <p>Trends fill in as days are recorded: <a href="#/food">log a meal or your weight</a>, connect the AirFit
        iPhone app or bring in your history (<a href="#/settings?s=iphone">in Settings</a>).</p></section>`;
  }
  const weekly = days >= WEEKLY_FROM;
  const period = { end: me.today, days, weekly };
  const energy = unitOf(me, "energy");
  const mass = unitOf(me, "mass");
  const massOf = (values) => values.map((v) => shown(me, "mass", v));
  const nutrition = [
    { label: "Energy", unit: energy, values: snaps.map((s) => shown(me, "energy", s.nutrition.calories || null)), color: "--chart1" },
    { label: "Protein", unit: "g", values: snaps.map((s) => s.nutrition.protein || null), color: "--chart2", dash: [6, 4] },
  ];
  const weights = massOf(b.weight);
  const weightLines = weekly
    ? [{ label: "Weight", unit: mass, values: weights, color: "--chart1" }]
    : [
        { label: "Weight", unit: mass, values: weights, color: "--chart1" },
        { label: "Weight trend", unit: mass, values: ema(weights), color: "--chart2", dash: [6, 4] },
      ];
  const compLines = [
    { label: "Body fat", unit: "%", values: b.fat, color: "--chart3" },
    { label: "Lean mass", unit: mass, values: massOf(b.lean), color: "--chart1", dash: [6, 4] },
  ];
  const c = body.current;
  return html`
    <p class="muted">${plural(dates.length, "day")} with data.${" "}
      ${c.weight_lbs != null ? html`Now: <strong data-testid="current-weight">${fmt(shown(me, "mass", c.weight_lbs), 1)}</strong> ${mass}${c.body_fat_pct != null ? `, ${fmt(c.body_fat_pct, 1)}% body fat` : ""}.` : ""}</p>
    <${LineChart} id="ch-nutrition" title="Energy and protein" dates=${dates} series=${nutrition} ...${period}
      empty="No meals in this period: log one, or connect the iPhone app." />
    <${LineChart} id="ch-weight" title=${weekly ? "Weight, weekly average" : "Weight and its trend"} dates=${b.dates} series=${weightLines} ...${period}
      empty="No weight in this period: log one on the Log screen." />
    ${b.fat.some((v) => v != null) && html`<${LineChart} id="ch-comp" title="Body fat and lean mass" dates=${b.dates} series=${compLines} ...${period} />`}
    <${LineChart} id="ch-sleep" title="Sleep" dates=${dates} series=${[{ label: "Sleep", unit: "h", values: snaps.map((s) => s.health.sleep_hours) }]} ...${period}
      empty="No sleep recorded in this period: the iPhone app sends it." />
    <${LineChart} id="ch-steps" title="Steps" dates=${dates} series=${[{ label: "Steps", unit: "steps", values: snaps.map((s) => s.health.steps || null), color: "--chart2" }]} ...${period}
      empty="No steps recorded in this period: the iPhone app sends them." />`;
}
