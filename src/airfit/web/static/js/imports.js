// Settings' "Import from another app": choose the app, upload its export, see what the import would change
// (a dry-run job), then confirm (the real job, the same file). The upload is the file itself as the body
// (POST /imports/{source}); a job is polled every second (GET /imports/{id}) until it is done or failed. A job
// still running when the page opens is followed too.
import { api } from "./api.js";
import { html, useEffect, useState, Card, ErrorText, fmt } from "./ui.js";

const POLL_MS = 1000;
const ACTIVE = ["queued", "running"];
const APPS = [
  {
    source: "apple-health",
    name: "Apple Health",
    file: "Health export",
    accept: ".zip,.xml,application/zip,text/xml",
    how: "On the iPhone: Health, your picture, Export All Health Data. Upload the export.zip (or its export.xml).",
  },
  {
    source: "hevy-csv",
    name: "Hevy (workouts CSV)",
    file: "Hevy export",
    accept: ".csv,text/csv",
    how: "In Hevy: Profile, Settings, Export & Import Data, Export Workouts. Workouts join your training history; one Hevy's API already brought counts once.",
  },
  {
    source: "strong-csv",
    name: "Strong (workouts CSV)",
    file: "Strong export",
    accept: ".csv,text/csv",
    how: "In Strong: Settings, Export Strong Data. Say the weight unit set in the app unless the file has a Weight Unit column.",
  },
  {
    source: "weight-csv",
    name: "Scale (Withings, Renpho, openScale, Fitbit CSV)",
    file: "Scale export",
    accept: ".csv,text/csv",
    how: "Weight, body fat and lean mass; the latest reading of a day counts.",
  },
  {
    source: "nutrition-csv",
    name: "Nutrition (MyFitnessPal or Cronometer CSV)",
    file: "Nutrition export",
    accept: ".csv,text/csv",
    how: "MyFitnessPal's Nutrition export (meals are summed per day) or Cronometer's dailysummary.csv.",
  },
];
const DATE_FORMATS = ["YYYY-MM-DD", "DD/MM/YYYY", "MM/DD/YYYY", "DD Mon YYYY", "Mon DD, YYYY"];
const LABELS = {
  steps: "Steps",
  active_calories: "Active energy",
  weight_lbs: "Weight",
  body_fat_pct: "Body fat",
  lean_mass_lbs: "Lean mass",
  resting_hr: "Resting heart rate",
  hrv_ms: "HRV",
  vo2_max: "VO2 max",
  sleep: "Sleep",
  nutrition: "Nutrition",
  workouts: "Workouts",
};

/** Follow a job until it is over: the latest state of it. */
function useJob(setError) {
  const [job, setJob] = useState(null);
  const running = job && ACTIVE.includes(job.status);
  useEffect(() => {
    if (!running) return undefined;
    let live = true;
    const timer = setInterval(async () => {
      try {
        const next = await api(`imports/${job.id}`);
        if (live) setJob(next);
      } catch (err) {
        if (live) setError(err);
      }
    }, POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [running, job && job.id]);
  return [job, setJob, running];
}

export function ImportFromApp() {
  const [source, setSource] = useState(APPS[0].source);
  const [file, setFile] = useState(null);
  const [unit, setUnit] = useState("");
  const [dateFormat, setDateFormat] = useState("");
  const [error, setError] = useState(null);
  const [sending, setSending] = useState(false);
  const [job, setJob, running] = useJob(setError);
  const app = APPS.find((a) => a.source === source);

  useEffect(() => {
    let live = true;
    api("imports").then(
      (list) => live && setJob(list.jobs.find((j) => ACTIVE.includes(j.status)) || null),
      () => {},
    );
    return () => {
      live = false;
    };
  }, []);

  function reset() {
    setJob(null);
    setError(null);
  }

  async function send(dry) {
    if (!file) return;
    setError(null);
    setSending(true);
    try {
      const query = new URLSearchParams({ filename: file.name, dry_run: String(dry) });
      if (unit) query.set("unit", unit);
      if (dateFormat) query.set("date_format", dateFormat);
      const created = await api(`imports/${source}?${query}`, { method: "POST", body: file });
      setJob({ id: created.id, status: created.status, progress: 0, dry_run: dry });
    } catch (err) {
      setJob(null);
      setError(err);
    } finally {
      setSending(false);
    }
  }

  const pct = job ? Math.round(100 * (job.progress || 0)) : 0;
  const previewed = job && job.status === "done" && job.report && job.report.dry_run;
  return html`<${Card} title="Import from another app" id="set-import-app" wide=${true}>
    <p class="small muted">Years of history from the apps you used before. Imports fill what is missing: nothing your phone
      or this site stored is replaced, and importing the same file again changes nothing. You see what would change first.</p>
    <form onSubmit=${(e) => { e.preventDefault(); send(true); }}>
      <div class="field"><label for="import-app">App</label>
        <select id="import-app" value=${source} onChange=${(e) => { setSource(e.target.value); reset(); }}>
          ${APPS.map((a) => html`<option value=${a.source}>${a.name}</option>`)}
        </select></div>
      <p class="small muted" id="import-how">${app.how}</p>
      <div class="field"><label for="import-file">${app.file}</label>
        <input id="import-file" name="export" type="file" accept=${app.accept} aria-describedby="import-how"
          onChange=${(e) => { setFile(e.target.files[0] || null); reset(); }} /></div>
      ${source !== "apple-health" && html`<div class="row">
        <div class="field"><label for="import-unit">Weight unit</label>
          <select id="import-unit" value=${unit} onChange=${(e) => { setUnit(e.target.value); reset(); }}>
            <option value="">As the file says</option><option value="kg">kg</option><option value="lb">lb</option>
          </select></div>
        <div class="field"><label for="import-dates">Dates</label>
          <select id="import-dates" value=${dateFormat} onChange=${(e) => { setDateFormat(e.target.value); reset(); }}>
            <option value="">As the file shows</option>
            ${DATE_FORMATS.map((f) => html`<option value=${f}>${f}</option>`)}
          </select></div></div>`}
      <button type="submit" class="secondary" disabled=${!file || sending || running}>
        ${sending ? "Uploading…" : "Preview"}</button>
    </form>
    ${running && html`<div style="margin-top:.5rem"><p role="status">${job.status === "queued" ? "Waiting to start…" : `Reading the file: ${pct}%`}</p>
      <div class="bar" role="progressbar" aria-label="Import progress" aria-valuenow=${pct} aria-valuemin="0" aria-valuemax="100">
        <span style=${`width:${pct}%`}></span></div></div>`}
    ${job && job.status === "failed" && html`<p class="error" role="alert">The import failed: ${job.error}</p>`}
    ${job && job.status === "done" && job.report && html`<${Report} report=${job.report} />`}
    ${previewed && file && html`<button type="button" onClick=${() => send(false)} disabled=${sending}>Import it</button>`}
    <${ErrorText} error=${error} />
  </${Card}>`;
}

function top(counts, n = 5) {
  return Object.entries(counts || {})
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, count]) => `${name} (${fmt(count)})`)
    .join(", ");
}

function Workouts({ report }) {
  const w = report.workouts;
  const would = report.dry_run ? "Would add" : "Added";
  return html`<p>${would} ${fmt(w.added)} of ${fmt(report.parsed.workouts)} workouts${w.updated ? `, update ${fmt(w.updated)}` : ""};
    ${" "}${fmt(w.same)} already stored, ${fmt(w.from_hevy)} already there from Hevy (counted once).</p>
    ${report.parsed.unmapped.length ? html`<p class="small">Exercise names kept as they are: ${report.parsed.unmapped.join(", ")}.</p>` : ""}`;
}

function Report({ report }) {
  const parsed = report.parsed;
  const groups = Object.entries(report.groups);
  return html`<div class="notice" role="status" style="margin-top:.5rem" id="import-report">
    <p><strong>${report.dry_run ? "Preview: nothing was changed yet." : "Imported."}</strong>
      ${" "}${fmt(parsed.days)} days from ${parsed.first_date || "–"} to ${parsed.last_date || "–"}, read in ${fmt(report.seconds, 1)} s.</p>
    ${report.workouts ? html`<${Workouts} report=${report} />` : html`<p>${report.dry_run ? "Would add" : "Added"} ${fmt(report.days_added)} days,
      ${report.dry_run ? " fill" : " filled"} gaps on ${fmt(report.days_filled)}, ${fmt(report.days_kept)} already complete.</p>`}
    ${groups.length ? html`<table><thead><tr><th scope="col">Field</th><th scope="col" class="num">Filled</th>
      <th scope="col" class="num">Kept (yours)</th><th scope="col" class="num">Already the same</th></tr></thead><tbody>
      ${groups.map(([name, c]) => html`<tr><td>${LABELS[name] || name}</td><td class="num">${fmt(c.filled)}</td>
        <td class="num">${fmt(c.kept)}</td><td class="num">${fmt(c.same)}</td></tr>`)}
    </tbody></table>` : ""}
    ${parsed.notes.length ? html`<p class="small">Read as: ${parsed.notes.join("; ")}.</p>` : ""}
    ${parsed.sources.length ? html`<p class="small">Sources: ${parsed.sources.map((s) => `${s.name} (${s.kind})`).join(", ")}.</p>` : ""}
    ${Object.keys(parsed.rejected).length ? html`<p class="small">Unreadable records skipped: ${top(parsed.rejected)}.</p>` : ""}
    ${Object.keys(parsed.out_of_range).length ? html`<p class="small">Days left out (impossible values): ${top(parsed.out_of_range)}.</p>` : ""}
    ${Object.keys(parsed.skipped).length ? html`<p class="small muted">Skipped: ${top(parsed.skipped)}.</p>` : ""}
    ${parsed.zones.length ? html`<p class="small muted">Time zones: ${parsed.zones.join(", ")}.</p>` : ""}
  </div>`;
}
