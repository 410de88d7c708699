// Today: the first-run checklist while there is one, nutrition against the day's targets (training or rest
// day), activity, sleep, recovery, the latest insight. "Today" is today in the user's own time zone.
import { api, getIdentity, loadMe } from "./api.js";
import { useLanded, useQueue, waiting } from "./queue.js";
import { html, useLoad, useLayoutEffect, useState, Loading, Meter, Card, addDays, dayText, fmt, plural, targetValue, word } from "./ui.js";
import { amount, shown, unitOf } from "./units.js";

export async function loadToday() {
  const [me, log, profile, trainingDay, insights, overview] = await Promise.all([
    loadMe(),
    api("log"),
    api("profile"),
    api("nutrition/training-day"),
    api("insights?limit=1"),
    api("log/overview"),
  ]);
  return { me, log, profile, trainingDay, insight: insights[0] || null, overview };
}

// The phone sends sleep shares as fractions (0.15); older data may hold percentages (15).
const percent = (v) => (v != null && v <= 1 ? v * 100 : v);

export function Today() {
  const [state, reload] = useLoad(loadToday);
  // An entry that reaches the server after this view loaded (sent from the queue while the day was being
  // read, or when the server came back) changes the day: read it again.
  useLanded(reload);
  return html`<h1>Today</h1><${Loading} state=${state}>${state.data && html`<${TodayBody} ...${state.data} />`}</${Loading}>`;
}

const targetsSet = (profile) =>
  [profile.training_day_targets, profile.rest_day_targets].every((t) => t?.calories != null && t?.protein != null);

/** What a new user has still to do, each linking to where it is done; gone once all are done (or hidden). */
function FirstRun({ me, profile, overview }) {
  const key = `airfit.firstrun.${getIdentity()?.user}`;
  const [hidden, setHidden] = useState(() => localStorage.getItem(key) === "hidden");
  const joined = me.created_at.slice(0, 10);
  const steps = [
    ["units", "Choose your units and time zone", me.units_chosen, "#/settings?s=units"],
    ["targets", "Set your calorie and protein targets", targetsSet(profile), "#/settings?s=targets"],
    ["iphone", "Connect the AirFit iPhone app", Boolean(overview.phone_synced_at), "#/settings?s=iphone"],
    ["import", "Bring in your history", Boolean(overview.first_date && overview.first_date < addDays(joined, -7)), "#/settings?s=import"],
    ["meal", "Log a first meal", overview.meals_logged, "#/food"],
  ];
  const left = steps.filter((s) => !s[2]).length;
  if (hidden || !left) return "";
  function hide() {
    localStorage.setItem(key, "hidden");
    setHidden(true);
  }
  return html`<section class="card first-run" aria-labelledby="first-run-h" data-testid="first-run">
    <h2 id="first-run-h">Getting started</h2>
    <p class="muted small">${plural(left, "step")} left. Each can be done later, in Settings.</p>
    <ol class="checklist">${steps.map(([id, label, done, href]) => html`<li data-step=${id} class=${done ? "done" : ""}>
      <span class="tick" aria-hidden="true">${done ? "✓" : ""}</span>
      ${done ? html`<span>${label} <span class="sr-only">(done)</span></span>` : html`<a href=${href}>${label}</a>`}</li>`)}</ol>
    <button class="link" onClick=${hide}>Hide this list</button>
  </section>`;
}

function Pending({ date }) {
  useQueue();
  const count = waiting().filter((e) => e.body.date === date).length;
  return count ? html`<p class="small pending" data-testid="today-pending">${plural(count, "entry", "entries")} waiting to be sent.</p>` : "";
}

function TodayBody({ me, log, profile, trainingDay, insight, overview }) {
  const training = trainingDay.is_training_day;
  const targets = (training ? profile.training_day_targets : profile.rest_day_targets) || {};
  const n = log.nutrition;
  const hd = log.health;
  const w = log.workout;
  const energy = unitOf(me, "energy");
  const energyDigits = Math.max(0, me.conversions.energy.digits);
  // A user-timing mark in the first frame with data (queued before that frame is painted): what
  // bench/bench_web.py reads as "meaningful paint".
  useLayoutEffect(() => requestAnimationFrame(() => performance.mark("airfit:today")), []);
  return html`<p class="muted"><span data-testid="today-date" data-date=${log.date}>${dayText(log.date)}</span> · ${training ? `Training day${trainingDay.workout_name ? `: ${trainingDay.workout_name}` : ""}` : "Rest day"}
      ${profile.name ? html` · <span data-testid="profile-name">${profile.name}</span>` : ""}</p>
    <${FirstRun} me=${me} profile=${profile} overview=${overview} />
    <div class="grid">
      <${Card} title="Nutrition" id="t-nutrition">
        <p class="muted small">Against your ${training ? "training" : "rest"}-day targets${targetValue(targets.calories) ? "" : html` (none set yet: <a href="#/settings?s=targets">set them</a>)`}.</p>
        <div data-testid="today-calories"><${Meter} label="Energy" value=${shown(me, "energy", n.calories)} target=${shown(me, "energy", targetValue(targets.calories))} unit=${energy} digits=${energyDigits} /></div>
        <div data-testid="today-protein"><${Meter} label="Protein" value=${n.protein} target=${targetValue(targets.protein)} unit="g" /></div>
        <${Meter} label="Carbs" value=${n.carbs} target=${targetValue(targets.carbs)} unit="g" />
        <${Meter} label="Fat" value=${n.fat} target=${targetValue(targets.fat)} unit="g" />
        <p class="small muted">${plural(n.entry_count, "entry", "entries")} · <a href="#/food">Log food</a></p>
        <${Pending} date=${log.date} />
      </${Card}>
      <${Card} title="Activity" id="t-activity">
        <p><span class="big" data-testid="today-steps">${fmt(hd.steps)}</span> steps</p>
        <p>${amount(me, "energy", hd.active_calories)} active</p>
        <p>${w.workout_count ? `${plural(w.workout_count, "workout")}, ${w.total_duration_minutes} min: ${w.workout_titles.join(", ")}` : "No workout logged"}</p>
      </${Card}>
      <${Card} title="Sleep" id="t-sleep">
        <p><span class="big">${fmt(hd.sleep_hours, 1)}</span> h</p>
        ${hd.sleep_efficiency != null && html`<p>Efficiency ${fmt(percent(hd.sleep_efficiency))}%</p>`}
        ${hd.sleep_deep_pct != null && html`<p class="small muted">Deep ${fmt(percent(hd.sleep_deep_pct))}% · REM ${fmt(percent(hd.sleep_rem_pct))}%</p>`}
      </${Card}>
      <${Card} title="Recovery and body" id="t-recovery">
        <p>Resting heart rate: <strong>${fmt(hd.resting_hr)}</strong> bpm</p>
        <p>HRV: <strong>${fmt(hd.hrv_ms)}</strong> ms${hd.hrv_baseline_ms ? html` <span class="muted small">(usually ${fmt(hd.hrv_baseline_ms)})</span>` : ""}</p>
        <p>Weight: <strong data-testid="today-weight">${fmt(shown(me, "mass", log.weight_lbs), 1)}</strong> ${unitOf(me, "mass")}${log.body_fat_pct != null ? ` · ${fmt(log.body_fat_pct, 1)}% body fat` : ""}</p>
      </${Card}>
      <${Card} title="Latest insight" id="t-insight">
        ${insight
          ? html`<p class="small muted">${word(insight.category)}</p><h3>${insight.title}</h3><p>${insight.body}</p><a href="#/insights">All insights</a>`
          : html`<p class="muted">No insight yet: they appear once a few weeks of data show something clear.</p>`}
      </${Card}>
    </div>`;
}
