// Appearance: light, dark, or the system's theme (kept in this browser; applied before the first paint).
import { html, useState, Card } from "../ui.js";

function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
  try {
    localStorage.setItem("airfit.theme", theme);
  } catch (e) {
    /* not kept */
  }
  window.dispatchEvent(new Event("airfit-theme"));
}

export function Appearance() {
  const [theme, setTheme] = useState(document.documentElement.dataset.theme || "system");
  return html`<${Card} title="Appearance" id="set-appearance">
    <div class="field"><label for="theme">Colour theme</label>
      <select id="theme" value=${theme} onChange=${(e) => { setTheme(e.target.value); applyTheme(e.target.value); }}>
        <option value="system">As the system</option><option value="light">Light</option><option value="dark">Dark</option>
      </select></div>
  </${Card}>`;
}
