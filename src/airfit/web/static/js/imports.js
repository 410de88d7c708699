// Settings' "Import from Apple Health": upload the Health app's export, follow the job, show its report.
// The upload is the file itself as the body (POST /imports/apple-health); the job is polled every second
// (GET /imports/{id}) until it is done or failed. A job still running when the page opens is followed too.
import { api } from "./api.js";
import { html, useEffect, useState, Card, ErrorText, fmt } from "./ui.js";

const POLL_MS = 1000;
const ACTIVE = ["queued", "running"];
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

export function AppleHealthImport() {
  const [job, setJob] = useState(null);
  const [error, setError] = useState(null);
  const [sending, setSending] = useState(false);

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

  async function upload(e) {
    e.preventDefault();
    const file = e.target.elements.export.files[0];
    if (!file) return;
    const dry = e.target.elements.dry.checked;
    setError(null);
    setSending(true);
    try {
      const query = `filename=${encodeURIComponent(file.name)}&dry_run=${dry}`;
      const created = await api(`imports/apple-health?${query}`, { method: "POST", body: file });
      setJob({ id: created.id, status: created.status, progress: 0 });
    } catch (err) {
      setError(err);
    } finally {
      setSending(false);
    }
  }

  const pct = job ? Math.round(100 * (job.progress || 0)) : 0;
  return html`<${Card} title="Import from Apple Health" id="set-apple-health" wide=${true}>
    <p class="small muted">On the iPhone: Health, your picture, Export All Health Data. Upload the export.zip (or its
      export.xml). Years of history fill the days your phone never synced; nothing the phone or this site stored is replaced.</p>
    <form onSubmit=${upload}>
      <div class="field"><label for="health-export">Health export</label>
        <input id="health-export" name="export" type="file" accept=".zip,.xml,application/zip,text/xml" /></div>
      <div class="field"><label class="check"><input type="checkbox" name="dry" /> Only show what it would do</label></div>
      <button type="submit" class="secondary" disabled=${sending || running}>${sending ? "Uploading…" : "Import"}</button>
    </form>
    ${running && html`<div style="margin-top:.5rem"><p role="status">${job.status === "queued" ? "Waiting to start…" : `Reading the export: ${pct}%`}</p>
      <div class="bar" role="progressbar" aria-label="Import progress" aria-valuenow=${pct} aria-valuemin="0" aria-valuemax="100">
        <span style=${`width:${pct}%`}></span></div></div>`}
    ${job && job.status === "failed" && html`<p class="error" role="alert">The import failed: ${job.error}</p>`}
    ${job && job.status === "done" && job.report && html`<${Report} report=${job.report} />`}
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

function Report({ report }) {
  const parsed = report.parsed;
  const groups = Object.entries(report.groups);
  return html`<div class="notice" role="status" style="margin-top:.5rem" id="import-report">
    <p><strong>${report.dry_run ? "Dry run: nothing was changed." : "Imported."}</strong>
      ${" "}${fmt(parsed.days)} days from ${parsed.first_date || "–"} to ${parsed.last_date || "–"}, read in ${fmt(report.seconds, 1)} s.</p>
    <p>${report.dry_run ? "Would add" : "Added"} ${fmt(report.days_added)} days, filled gaps on ${fmt(report.days_filled)},
      ${" "}${fmt(report.days_kept)} already complete.</p>
    ${groups.length ? html`<table><thead><tr><th scope="col">Field</th><th scope="col" class="num">Filled</th>
      <th scope="col" class="num">Kept (yours)</th><th scope="col" class="num">Already the same</th></tr></thead><tbody>
      ${groups.map(([name, c]) => html`<tr><td>${LABELS[name] || name}</td><td class="num">${fmt(c.filled)}</td>
        <td class="num">${fmt(c.kept)}</td><td class="num">${fmt(c.same)}</td></tr>`)}
    </tbody></table>` : ""}
    <p class="small">Sources: ${parsed.sources.map((s) => `${s.name} (${s.kind})`).join(", ") || "none"}.</p>
    ${Object.keys(parsed.rejected).length ? html`<p class="small">Unreadable records skipped: ${top(parsed.rejected)}.</p>` : ""}
    ${Object.keys(parsed.out_of_range).length ? html`<p class="small">Days left out (impossible values): ${top(parsed.out_of_range)}.</p>` : ""}
    <p class="small muted">Other record types skipped: ${top(parsed.skipped) || "none"}. Time zones: ${parsed.zones.join(", ") || "–"}.</p>
  </div>`;
}
