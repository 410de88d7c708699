// Line charts (uPlot, loaded on first use) in the page's colours, each with a table for screen readers.
// The x axis spans the period asked for (a single reading sits in its week, not stretched over years); with
// `weekly`, each series is drawn as its weekly averages with the daily readings as faint dots; a chart with
// no data at all says what would fill it.
import { html, useEffect, useRef, useState, addDays, dayText, fmt } from "./ui.js";

let uplot = null;
function loadUplot() {
  if (!uplot) {
    const css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = "vendor/uplot.min.css";
    document.head.append(css);
    uplot = import("../vendor/uplot.js").then((m) => m.default);
    uplot.catch(() => {
      uplot = null;
    });
  }
  return uplot;
}

// Fetched as soon as a screen with charts is opened, alongside its data rather than after it.
loadUplot();

const cssVar = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();
const toTime = (day) => Date.parse(`${day}T12:00:00Z`) / 1000;
const HALF_DAY = 43200;
const HEIGHT = 220;

/** The mean of each run of 7 days ending at `end` (null where a week has no reading), placed on the week's
 * middle day; every other day null. */
function weeklyAverages(dates, values, end) {
  const sums = new Map();
  dates.forEach((d, i) => {
    if (values[i] == null) return;
    const back = Math.round((toTime(end) - toTime(d)) / 86400);
    const week = Math.floor(back / 7);
    const s = sums.get(week) || { total: 0, count: 0 };
    sums.set(week, { total: s.total + values[i], count: s.count + 1 });
  });
  const middle = new Map([...sums].map(([week, s]) => [addDays(end, -(week * 7 + 3)), s.total / s.count]));
  return dates.map((d) => middle.get(d) ?? null);
}

/** Whole days between two plain dates, both included, with every day of the period present once. */
function allDays(first, last) {
  const out = [];
  for (let d = first; d <= last; d = addDays(d, 1)) out.push(d);
  return out;
}

function yRange(u, min, max) {
  if (min == null || max == null) return [0, 1];
  if (min === max) {
    const pad = Math.max(1, Math.abs(min) * 0.05);
    return [min - pad, max + pad];
  }
  const pad = (max - min) * 0.08;
  return [min - pad, max + pad];
}

// Wide enough for the longest label, so labels never run into the plot or each other.
const axisSize = (self, values) => 14 + 8 * Math.max(3, ...(values || []).map((v) => String(v).length));

/**
 * `series`: [{label, unit, values (aligned with dates), color ("--chart1"), dash, marks (dots only)}];
 * `end` and `days`: the period shown (the x axis spans it whatever the readings); `weekly`: weekly averages.
 */
export function LineChart({ title, dates, series, id, end, days, weekly = false, empty = "No data in this period." }) {
  const box = useRef(null);
  const [theme, setTheme] = useState(0);
  // The table (up to a year of rows) is built when it is opened, not with every chart.
  const [open, setOpen] = useState(false);
  const hasData = series.some((s) => s.values.some((v) => v != null));
  useEffect(() => {
    const bump = () => setTheme((t) => t + 1);
    const media = matchMedia("(prefers-color-scheme: dark)");
    window.addEventListener("airfit-theme", bump);
    media.addEventListener("change", bump);
    return () => {
      window.removeEventListener("airfit-theme", bump);
      media.removeEventListener("change", bump);
    };
  }, []);
  useEffect(() => {
    if (!hasData) return undefined;
    let chart = null;
    let live = true;
    let observer = null;
    loadUplot().then((UPlot) => {
      if (!live || !box.current) return;
      const text = cssVar("--text");
      const grid = cssVar("--line");
      // Every day of the period on the x axis, so the drawn span is the period asked for.
      const period = end && days ? addDays(end, -(days - 1)) : dates[0];
      const first = dates[0] < period ? dates[0] : period;
      const last = end || dates[dates.length - 1];
      const xs = allDays(first, last);
      const at = new Map(dates.map((d, i) => [d, i]));
      const align = (values) => xs.map((d) => (at.has(d) ? values[at.get(d)] : null));
      const lines = [];
      for (const s of series) {
        const daily = align(s.values);
        const color = cssVar(s.color || "--chart1");
        if (weekly && !s.marks) {
          lines.push({ s: { label: `${s.label} (daily)`, scale: s.unit, stroke: color, alpha: 0.35, paths: () => null,
            points: { show: true, size: 4, fill: color } }, unit: s.unit, data: daily });
          lines.push({ s: { label: `${s.label}, weekly average`, scale: s.unit, stroke: color, width: 2, dash: s.dash,
            spanGaps: true, points: { show: false } }, unit: s.unit, data: weeklyAverages(xs, daily, last) });
        } else if (s.marks) {
          lines.push({ s: { label: s.label, scale: s.unit, stroke: color, paths: () => null,
            points: { show: true, size: 9, fill: color } }, unit: s.unit, data: daily });
        } else {
          lines.push({ s: { label: s.label, scale: s.unit, stroke: color, width: 2, dash: s.dash, spanGaps: true,
            points: { show: dates.length < 40 } }, unit: s.unit, data: daily });
        }
      }
      const units = [...new Set(series.map((s) => s.unit))];
      const opts = {
        width: box.current.clientWidth || 320,
        height: HEIGHT,
        scales: {
          x: { time: true, range: () => [toTime(xs[0]) - HALF_DAY, toTime(xs[xs.length - 1]) + HALF_DAY] },
          ...Object.fromEntries(units.map((u) => [u, { range: yRange }])),
        },
        axes: [
          { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, space: 70 },
          ...units.map((u, i) => ({
            scale: u, side: i === 0 ? 3 : 1, stroke: text, ticks: { stroke: grid }, label: u, labelSize: 18,
            size: axisSize, space: 36, grid: { show: i === 0, stroke: grid, width: 1 },
          })),
        ],
        series: [{}, ...lines.map((l) => ({ ...l.s, value: (u, v) => (v == null ? "–" : `${fmt(v, 1)} ${l.unit}`) }))],
        legend: { live: false },
      };
      chart = new UPlot(opts, [xs.map(toTime), ...lines.map((l) => l.data)], box.current);
      requestAnimationFrame(() => performance.mark("airfit:chart"));
      observer = new ResizeObserver(() => box.current && chart.setSize({ width: box.current.clientWidth, height: HEIGHT }));
      observer.observe(box.current);
    });
    return () => {
      live = false;
      observer?.disconnect();
      chart?.destroy();
    };
  }, [dates, series, theme, hasData]);
  return html`<figure class="card" aria-labelledby=${`${id}-h`}>
    <h2 id=${`${id}-h`}>${title}</h2>
    ${hasData
      ? html`<div class="chart" ref=${box} role="img" aria-label=${`${title}: chart; the table below has the same data`}></div>
        <details onToggle=${(e) => setOpen(e.target.open)}><summary>Table: ${title}</summary>
          ${open && html`<div class="table-scroll" tabindex="0" role="region" aria-label=${`${title} table`}>
          <table data-testid=${`${id}-table`}><thead><tr><th scope="col">Date</th>${series.map((s) => html`<th scope="col" class="num">${s.label} (${s.unit})</th>`)}</tr></thead>
          <tbody>${dates.map((d, i) => html`<tr><td>${dayText(d)}</td>${series.map((s) => html`<td class="num">${fmt(s.values[i], 1)}</td>`)}</tr>`).reverse()}</tbody></table></div>`}
        </details>`
      : html`<p class="muted empty" data-testid=${`${id}-empty`}>${empty}</p>`}
  </figure>`;
}

/** Exponential moving average over the readings (gaps skipped), aligned with the input. */
export function ema(values, period = 10) {
  const k = 2 / (period + 1);
  let last = null;
  return values.map((v) => {
    if (v == null) return last;
    last = last == null ? v : v * k + last * (1 - k);
    return Math.round(last * 10) / 10;
  });
}
