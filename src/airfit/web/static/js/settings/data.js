// Your data: download everything stored about you as one archive.
import { api } from "../api.js";
import { html, useState, Card, ErrorText } from "../ui.js";

export function YourData({ me }) {
  const [error, setError] = useState(null);
  async function download() {
    setError(null);
    try {
      const res = await api("export", { raw: true });
      const url = URL.createObjectURL(await res.blob());
      const a = Object.assign(document.createElement("a"), { href: url, download: `airfit-${me.user_id}.zip` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (err) {
      setError(err);
    }
  }
  return html`<${Card} title="Your data" id="set-data">
    <p><button class="secondary" onClick=${download}>Export my data (zip)</button></p>
    <p class="small muted">Weights in the archive are in pounds and energy in kcal, whatever units you read.
      Signed in as ${me.user_id}.</p>
    <${ErrorText} error=${error} />
  </${Card}>`;
}
