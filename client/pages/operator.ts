import { Operator, OperatorWatch } from "../Operator";
import { byId, showStatus } from "./lib/dom";

/**
 * The operator console: paste an operator token (`npm run -s token -- --role
 * operator --name NAME`), publish to a channel, and watch it: its current
 * content and the displays asking for a resync.
 */
const TOKEN_KEY = "arena-operator-token";
const tokenInput = byId<HTMLInputElement>("token");
const channelInput = byId<HTMLInputElement>("channel");
const payloadInput = byId<HTMLTextAreaElement>("payload");
const result = byId("result");
const watchStatus = byId("watch-status");
const current = byId("current");
const syncLog = byId<HTMLOListElement>("sync-log");

tokenInput.value = sessionStorage.getItem(TOKEN_KEY) ?? "";
tokenInput.addEventListener("change", () => sessionStorage.setItem(TOKEN_KEY, tokenInput.value.trim()));

const operator = () => new Operator({ endpoint: location.origin, token: tokenInput.value.trim() });

/** Valid JSON is sent as JSON; anything else as a plain string. */
function payload(): unknown {
  try {
    return JSON.parse(payloadInput.value);
  } catch {
    return payloadInput.value;
  }
}

byId<HTMLFormElement>("publish-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  result.textContent = "publishing…";
  try {
    const { channel, seq } = await operator().publish(channelInput.value.trim(), payload());
    result.dataset.outcome = "ok";
    result.textContent = `published to ${channel} as #${seq}`;
  } catch (error) {
    result.dataset.outcome = "error";
    result.textContent = (error as Error).message;
  }
});

let watch: OperatorWatch | undefined;
byId<HTMLButtonElement>("watch").addEventListener("click", async () => {
  await watch?.close();
  const channel = channelInput.value.trim();
  showStatus(watchStatus, "connecting");
  try {
    watch = await operator().watch([channel]);
  } catch (error) {
    return showStatus(watchStatus, "error", (error as Error).message);
  }
  showStatus(watchStatus, "live", `watching ${channel}`);
  watch.onBroadcast((b) => (current.textContent = `#${b.seq} ${JSON.stringify(b.payload)}`));
  watch.onRequestSync((r) => {
    const item = document.createElement("li");
    item.textContent = `${new Date().toLocaleTimeString()} · ${r.name} asks for ${r.channel}`;
    syncLog.prepend(item);
  });
  watch.onError((err) => showStatus(watchStatus, "error", `${err.code}: ${err.message}`));
  const mine = watch;
  mine.onLeave((code) => {
    if (watch === mine) showStatus(watchStatus, "gone", `disconnected (${code})`);
  });
});
