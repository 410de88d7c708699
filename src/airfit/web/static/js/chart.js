// Line charts (uPlot, loaded on first use) in the page's colours, each with a table for screen readers.
import { html, useEffect, useRef, useState, fmt } from "./ui.js";

let uplot = null;
function loadUplot() {
  if (!uplot) {
    const css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = "vendor/uplot.min.css";
    document.head.append(css);
    uplot = import("../vendor/uplot.js").then((m) => m.default);
  }
  return uplot;
}

const cssVar = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();
const toTime = (day) => Date.parse(`${day}T12:00:00Z`) / 1000;

/** `series`: [{label, unit, values (aligned with dates), color ("--chart1"), dash, marks (dots only)}] */
export function LineChart({ title, dates, series, id }) {
  const box = useRef(null);
  const [theme, setTheme] = useState(0);
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
    let chart = null;
    let live = true;
    let observer = null;
    loadUplot().then((UPlot) => {
      if (!live || !box.current) return;
      const text = cssVar("--text");
      const grid = cssVar("--line");
      const units = [...new Set(series.map((s) => s.unit))];
      const axis = (side, unit) => ({
        scale: unit, side, stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid },
        label: unit, labelSize: 18, size: 52,
      });
      const opts = {
        width: box.current.clientWidth || 320,
        height: 220,
        scales: { x: { time: true } },
        axes: [{ stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
          ...units.map((u, i) => ({ ...axis(i === 0 ? 3 : 1, u), grid: { show: i === 0, stroke: grid } }))],
        series: [{}, ...series.map((s) => ({
          label: s.label, scale: s.unit, stroke: cssVar(s.color || "--chart1"), width: 2,
          dash: s.dash, spanGaps: !s.marks,
          // `marks`: dots only (PRs), no line between them.
          ...(s.marks ? { paths: () => null, points: { show: true, size: 9, fill: cssVar(s.color) } }
            : { points: { show: dates.length < 40 } }),
          value: (u, v) => (v == null ? "–" : `${fmt(v, 1)} ${s.unit}`),
        }))],
        legend: { live: false },
      };
      chart = new UPlot(opts, [dates.map(toTime), ...series.map((s) => s.values)], box.current);
      requestAnimationFrame(() => performance.mark("airfit:chart"));
      observer = new ResizeObserver(() => box.current && chart.setSize({ width: box.current.clientWidth, height: 220 }));
      observer.observe(box.current);
    });
    return () => {
      live = false;
      observer?.disconnect();
      chart?.destroy();
    };
  }, [dates, series, theme]);
  return html`<figure class="card" aria-labelledby=${`${id}-h`} style="margin:0">
    <h2 id=${`${id}-h`}>${title}</h2>
    <div class="chart" ref=${box} role="img" aria-label=${`${title}: chart; the table below has the same data`}></div>
    <details><summary>Table: ${title}</summary>
      <div style="max-height:16rem;overflow:auto" tabindex="0" role="region" aria-label=${`${title} table`}>
      <table data-testid=${`${id}-table`}><thead><tr><th scope="col">Date</th>${series.map((s) => html`<th scope="col" class="num">${s.label} (${s.unit})</th>`)}</tr></thead>
      <tbody>${dates.map((d, i) => html`<tr><td>${d}</td>${series.map((s) => html`<td class="num">${fmt(s.values[i], 1)}</td>`)}</tr>`).reverse()}</tbody></table></div>
    </details></figure>`;
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
