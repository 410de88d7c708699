// Daily targets for training days and rest days: energy (in the user's unit) and protein.
import { api } from "../api.js";
import { html, useAction, useLoad, useState, Card, ErrorText, Loading } from "../ui.js";
import { shown, step, stored, unitOf } from "../units.js";

const KINDS = [["training_day", "Training days"], ["rest_day", "Rest days"]];

export function Targets({ me }) {
  const [state] = useLoad(() => api("profile"));
  return html`<${Card} title="Daily targets" id="set-targets">
    <${Loading} state=${state}>${state.data && html`<${TargetsForm} me=${me} profile=${state.data} />`}</${Loading}>
  </${Card}>`;
}

function TargetsForm({ me, profile }) {
  const energy = unitOf(me, "energy");
  const start = (kind, key) => {
    const value = profile[`${kind}_targets`]?.[key];
    if (typeof value !== "number") return "";
    return String(key === "calories" ? shown(me, "energy", value) : value);
  };
  const [values, setValues] = useState(() =>
    Object.fromEntries(KINDS.flatMap(([kind]) => ["calories", "protein"].map((key) => [`${kind}.${key}`, start(kind, key)]))));
  const [run, done, error] = useAction();
  function save(e) {
    e.preventDefault();
    const body = {};
    for (const [kind] of KINDS) {
      const calories = values[`${kind}.calories`];
      const protein = values[`${kind}.protein`];
      body[kind] = {
        calories: calories === "" ? null : Math.round(stored(me, "energy", calories)),
        protein: protein === "" ? null : Math.round(Number(protein)),
      };
    }
    run(() => api("profile/targets", { method: "PATCH", body }), "Saved: Today measures each day against these.");
  }
  const input = (kind, key, label, unit, stepSize) => html`<div class="field"><label for=${`tg-${kind}-${key}`}>${label} (${unit})</label>
    <input id=${`tg-${kind}-${key}`} type="number" min="0" step=${stepSize} inputmode="numeric" value=${values[`${kind}.${key}`]}
      onInput=${(e) => setValues({ ...values, [`${kind}.${key}`]: e.target.value })} /></div>`;
  return html`<form onSubmit=${save}>
    ${KINDS.map(([kind, legend]) => html`<fieldset class="choice"><legend>${legend}</legend><div class="inline-fields">
      ${input(kind, "calories", "Energy", energy, step(me, "energy"))}${input(kind, "protein", "Protein", "g", 1)}</div></fieldset>`)}
    <button type="submit">Save targets</button>
    <p role="status">${done}</p><${ErrorText} error=${error} />
  </form>`;
}
