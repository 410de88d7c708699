// Connect the AirFit iPhone app: the address to type into it, and whose data it sends.
import { html, Card } from "../ui.js";

export function IPhone() {
  const address = `${location.protocol}//${location.host}`;
  return html`<${Card} title="Connect the iPhone app" id="set-iphone">
    <p>In the AirFit app, open Settings → Server and enter:</p>
    <p><code data-testid="server-address">${address}</code></p>
    <p class="small muted">The app sends no name, so it syncs as the server's default user; whoever runs the
      server chooses who that is. Once the app has synced, Today ticks this step off.</p>
  </${Card}>`;
}
