import { DisplayStatus, SignageDisplay } from "..";
import type { Broadcast } from "../../schema/serverMessages";
import { byId, param, showStatus } from "./lib/dom";
import { pageToken } from "./lib/pageToken";

/**
 * A signage screen for `?channel=NAME` (default program-5): shows the channel's
 * latest verified content and how it gets it (live socket, reconnecting, or
 * the HTTP polling fallback).
 */
const STATUS_LABELS: Record<DisplayStatus, string> = {
  connecting: "connecting",
  live: "live",
  reconnecting: "reconnecting",
  polling: "polling fallback",
  stopped: "stopped",
};
/** With nothing retained to show this long after going live, the display asks the operators to publish. */
const ASK_FOR_CONTENT_AFTER_MS = 1500;

const status = byId("status");
const title = byId("content-title");
const text = byId("content-text");
const json = byId("content-json");

/** Strings as a headline; `{title, text}` as headline and body; any other JSON as it is. Never as HTML. */
function show(b: Broadcast): void {
  title.classList.remove("muted");
  const p = b.payload;
  const fields = p && typeof p === "object" && !Array.isArray(p) ? (p as Record<string, unknown>) : undefined;
  const structured = fields && (typeof fields.title === "string" || typeof fields.text === "string");
  title.textContent = typeof p === "string" ? p : structured ? String(fields.title ?? "") : "";
  text.textContent = structured ? String(fields.text ?? "") : "";
  json.textContent = typeof p === "string" || structured ? "" : JSON.stringify(p, null, 2);
  byId("seq").textContent = `#${b.seq}`;
  document.body.dataset.seq = String(b.seq);
}

async function main(): Promise<void> {
  const channel = param("channel") ?? "program-5";
  byId("channel").textContent = channel;
  document.title = `Arena · ${channel}`;
  showStatus(status, "connecting");
  let display: SignageDisplay;
  try {
    display = new SignageDisplay({ endpoint: location.origin, token: await pageToken("display", `display ${channel}`.slice(0, 24)), channels: [channel] });
  } catch (error) {
    return showStatus(status, "error", `no display token: ${(error as Error).message}`);
  }
  display.onMessage(show);
  display.onStatus((s) => {
    showStatus(status, s, STATUS_LABELS[s]);
    if (s === "live") {
      setTimeout(() => {
        if (display.status === "live" && !display.lastSeq[channel]) display.requestSync(channel);
      }, ASK_FOR_CONTENT_AFTER_MS);
    }
  });
  try {
    await display.start();
  } catch (error) {
    showStatus(status, "error", `cannot start: ${(error as Error).message}`);
  }
}

void main();
