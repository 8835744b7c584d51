/**
 * The website widget. The business pastes
 * `<script src="https://<frontdesk>/widget.js" data-agent="<public key>" async></script>`;
 * that script (a few lines the server writes) imports this module from the Frontdesk server
 * and calls `start` with its own tag. The widget asks the server for the agent's widget
 * settings and draws its button inside a shadow root, so the page and the widget cannot
 * restyle each other.
 */
import { WidgetApi } from "./api";
import { mountWidget } from "./panel";

export async function start(script: HTMLScriptElement): Promise<void> {
  const publicKey = script.dataset.agent ?? "";
  const server = new URL(new URL(script.src, window.location.href).origin);
  const api = new WidgetApi(server, publicKey);
  let config;
  try {
    config = await api.config();
  } catch (problem) {
    // The site's owner sees why in the console; callers see nothing broken.
    console.warn("Frontdesk widget:", problem instanceof Error ? problem.message : problem);
    return;
  }
  const draw = () => {
    const host = document.createElement("frontdesk-widget");
    host.setAttribute("data-agent", publicKey);
    document.body.append(host);
    mountWidget(host.attachShadow({ mode: "open" }), config, api, server);
  };
  if (document.body) draw();
  else document.addEventListener("DOMContentLoaded", draw, { once: true });
}
