// Settings: one section per module (js/settings/*.js), in this order. `#/settings?s=<id>` opens the page at a
// section (the first-run checklist links there). A section is a component taking `me` (`GET /me`) and
// `changed()` (call it after changing the user's settings, so every view reads them again).
import { loadMe, refreshMe } from "./api.js";
import { hashParam, html, useEffect, useLoad, Loading } from "./ui.js";
import { UnitsAndZone } from "./settings/units.js";
import { Targets } from "./settings/targets.js";
import { IPhone } from "./settings/iphone.js";
import { ImportHistory } from "./settings/import.js";
import { Tokens } from "./settings/tokens.js";
import { YourData } from "./settings/data.js";
import { Appearance } from "./settings/appearance.js";

const SECTIONS = [
  ["units", UnitsAndZone],
  ["targets", Targets],
  ["iphone", IPhone],
  ["import", ImportHistory],
  ["tokens", Tokens],
  ["data", YourData],
  ["appearance", Appearance],
];

const wanted = () => hashParam("s");

export function Settings() {
  const [state, reload] = useLoad(loadMe);
  const changed = () => refreshMe().then(reload, reload);
  useEffect(() => {
    const section = state.data && wanted() && document.getElementById(wanted());
    if (section) {
      const heading = section.querySelector("h2");
      section.scrollIntoView({ block: "start" });
      if (heading) {
        heading.tabIndex = -1;
        heading.focus();
      }
    }
  }, [Boolean(state.data)]);
  return html`<h1>Settings</h1><${Loading} state=${state}>${state.data && html`<div class="grid">
    ${SECTIONS.map(([id, Section]) => html`<div id=${id} class="section"><${Section} me=${state.data} changed=${changed} /></div>`)}
  </div>`}</${Loading}>`;
}
