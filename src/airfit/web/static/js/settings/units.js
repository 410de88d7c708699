// Units and time zone: what numbers are read and typed in, and which zone decides "today".
import { api } from "../api.js";
import { html, useAction, useState, Card, ErrorText } from "../ui.js";

const CHOICES = [
  ["mass", "Body weight", [["kg", "kilograms (kg)"], ["lb", "pounds (lbs)"]]],
  ["energy", "Food energy", [["kcal", "kilocalories (kcal)"], ["kJ", "kilojoules (kJ)"]]],
  ["length", "Height", [["cm", "centimetres (cm)"], ["in", "inches (in)"]]],
];

export function UnitsAndZone({ me, changed }) {
  const browser = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const [units, setUnits] = useState(me.units);
  const [zone, setZone] = useState(me.timezone || (me.units_chosen ? "" : browser));
  const [run, done, error] = useAction();
  const save = (e) => {
    e.preventDefault();
    run(async () => {
      await api("me", { method: "PATCH", body: { units, timezone: zone.trim() || null } });
      changed();
    }, "Saved: numbers are shown in these units, and your days end at midnight in this zone.");
  };
  return html`<${Card} title="Units and time zone" id="set-units">
    <form onSubmit=${save}>
      ${CHOICES.map(([key, legend, options]) => html`<fieldset class="choice"><legend>${legend}</legend>
        ${options.map(([value, label]) => html`<label class="radio"><input type="radio" name=${`unit-${key}`} value=${value}
          checked=${units[key] === value} onChange=${() => setUnits({ ...units, [key]: value })} /> ${label}</label>`)}
      </fieldset>`)}
      <div class="field"><label for="tz">Time zone (empty: the server's)</label>
        <input id="tz" value=${zone} onInput=${(e) => setZone(e.target.value)} placeholder=${browser} /></div>
      <div class="row"><button type="submit">Save</button>
        ${browser && zone !== browser && html`<button type="button" class="secondary" onClick=${() => setZone(browser)}>Use this device's (${browser})</button>`}</div>
    </form><p role="status">${done}</p><${ErrorText} error=${error} />
  </${Card}>`;
}
