// Bring in history: years of it from other apps' exports (imports.js), or an AirFit archive (exported from
// this or another AirFit server).
import { api } from "../api.js";
import { html, useState, Card, ErrorText } from "../ui.js";
import { ImportFromApp } from "../imports.js";

export function ImportHistory() {
  return html`<${ImportFromApp} /><${RestoreArchive} />`;
}

function RestoreArchive() {
  const [error, setError] = useState(null);
  const [done, setDone] = useState("");
  const [busy, setBusy] = useState(false);
  async function upload(e) {
    e.preventDefault();
    const file = e.target.elements.archive.files[0];
    if (!file || !confirm("Replace all your data with this archive?")) return;
    setBusy(true);
    setError(null);
    try {
      await api("import", { method: "POST", body: file });
      setDone("Imported.");
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return html`<${Card} title="Restore an AirFit archive" id="set-import">
    <form onSubmit=${upload}>
      <div class="field"><label for="archive">An AirFit archive (zip, from "Export my data")</label><input id="archive" name="archive" type="file" accept=".zip,application/zip" /></div>
      <button type="submit" class="secondary" disabled=${busy}>${busy ? "Importing…" : "Import"}</button>
    </form>
    <p role="status">${done}</p><${ErrorText} error=${error} />
  </${Card}>`;
}
