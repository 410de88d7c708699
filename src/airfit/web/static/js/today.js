// Today: nutrition against the day's targets (training or rest day), activity, sleep, recovery, latest insight.
import { api } from "./api.js";
import { html, useLoad, useEffect, Loading, Meter, Card, fmt, targetValue } from "./ui.js";

export async function loadToday() {
  const [log, profile, trainingDay, insights] = await Promise.all([
    api("log"),
    api("profile"),
    api("nutrition/training-day"),
    api("insights?limit=1"),
  ]);
  return { log, profile, trainingDay, insight: insights[0] || null };
}

// The phone sends sleep shares as fractions (0.15); older data may hold percentages (15).
const percent = (v) => (v != null && v <= 1 ? v * 100 : v);

export function Today() {
  const [state] = useLoad(loadToday);
  return html`<h1>Today</h1><${Loading} state=${state}>${state.data && html`<${TodayBody} ...${state.data} />`}</${Loading}>`;
}

function TodayBody({ log, profile, trainingDay, insight }) {
  const training = trainingDay.is_training_day;
  const targets = (training ? profile.training_day_targets : profile.rest_day_targets) || {};
  const n = log.nutrition;
  const hd = log.health;
  const w = log.workout;
  // A user-timing mark at the first frame with data: what bench/bench_web.py reads as "meaningful paint".
  useEffect(() => requestAnimationFrame(() => performance.mark("airfit:today")), []);
  return html`<p class="muted">${log.date} · ${training ? `Training day${trainingDay.workout_name ? `: ${trainingDay.workout_name}` : ""}` : "Rest day"}
      ${profile.name ? html` · <span data-testid="profile-name">${profile.name}</span>` : ""}</p>
    <div class="grid">
      <${Card} title="Nutrition" id="t-nutrition">
        <p class="muted small">Against your ${training ? "training" : "rest"}-day targets.</p>
        <div data-testid="today-calories"><${Meter} label="Calories" value=${n.calories} target=${targetValue(targets.calories)} unit="kcal" /></div>
        <div data-testid="today-protein"><${Meter} label="Protein" value=${n.protein} target=${targetValue(targets.protein)} unit="g" /></div>
        <${Meter} label="Carbs" value=${n.carbs} target=${targetValue(targets.carbs)} unit="g" />
        <${Meter} label="Fat" value=${n.fat} target=${targetValue(targets.fat)} unit="g" />
        <p class="small muted">${n.entry_count} ${n.entry_count === 1 ? "entry" : "entries"} · <a href="#/food">Log food</a></p>
      </${Card}>
      <${Card} title="Activity" id="t-activity">
        <p><span class="big" data-testid="today-steps">${fmt(hd.steps)}</span> steps</p>
        <p>${fmt(hd.active_calories)} active kcal</p>
        <p>${w.workout_count ? `${w.workout_count} workout${w.workout_count > 1 ? "s" : ""}, ${w.total_duration_minutes} min: ${w.workout_titles.join(", ")}` : "No workout logged"}</p>
      </${Card}>
      <${Card} title="Sleep" id="t-sleep">
        <p><span class="big">${fmt(hd.sleep_hours, 1)}</span> h</p>
        ${hd.sleep_efficiency != null && html`<p>Efficiency ${fmt(percent(hd.sleep_efficiency))}%</p>`}
        ${hd.sleep_deep_pct != null && html`<p class="small muted">Deep ${fmt(percent(hd.sleep_deep_pct))}% · REM ${fmt(percent(hd.sleep_rem_pct))}%</p>`}
      </${Card}>
      <${Card} title="Recovery and body" id="t-recovery">
        <p>Resting HR: <strong>${fmt(hd.resting_hr)}</strong> bpm</p>
        <p>HRV: <strong>${fmt(hd.hrv_ms)}</strong> ms${hd.hrv_baseline_ms ? html` <span class="muted small">(baseline ${fmt(hd.hrv_baseline_ms)})</span>` : ""}</p>
        <p>Weight: <strong data-testid="today-weight">${fmt(log.weight_lbs, 1)}</strong> lbs${log.body_fat_pct != null ? ` · ${fmt(log.body_fat_pct, 1)}% body fat` : ""}</p>
      </${Card}>
      <${Card} title="Latest insight" id="t-insight">
        ${insight
          ? html`<h3>${insight.title}</h3><p>${insight.body}</p><a href="#/insights">All insights</a>`
          : html`<p class="muted">No insight yet.</p>`}
      </${Card}>
    </div>`;
}
