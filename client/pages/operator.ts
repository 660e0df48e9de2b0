import { Operator, OperatorWatch } from "..";
import { byId, showStatus } from "./lib/dom";

/**
 * The operator console: paste an operator token (`npm run -s token -- --role
 * operator --name NAME`), publish to a channel, and watch it: its current
 * content and the displays asking for a resync. Also sends a message to every
 * device of one user.
 */
const TOKEN_KEY = "arena-operator-token";
const tokenInput = byId<HTMLInputElement>("token");
const channelInput = byId<HTMLInputElement>("channel");
const payloadInput = byId<HTMLTextAreaElement>("payload");
const result = byId("result");
const userSubInput = byId<HTMLInputElement>("user-sub");
const userPayloadInput = byId<HTMLTextAreaElement>("user-payload");
const userResult = byId("user-result");
const watchStatus = byId("watch-status");
const current = byId("current");
const syncLog = byId<HTMLOListElement>("sync-log");

tokenInput.value = sessionStorage.getItem(TOKEN_KEY) ?? "";
tokenInput.addEventListener("change", () => sessionStorage.setItem(TOKEN_KEY, tokenInput.value.trim()));

const operator = () => new Operator({ endpoint: location.origin, token: tokenInput.value.trim() });

/** Valid JSON is sent as JSON; anything else as a plain string. */
function payloadOf(input: HTMLTextAreaElement): unknown {
  try {
    return JSON.parse(input.value);
  } catch {
    return input.value;
  }
}

/** Runs a form's request, showing `pending` meanwhile, then what it answered or the server's refusal. */
async function report(shown: HTMLElement, pending: string, request: () => Promise<string>): Promise<void> {
  shown.textContent = pending;
  try {
    const answer = await request();
    shown.dataset.outcome = "ok";
    shown.textContent = answer;
  } catch (error) {
    shown.dataset.outcome = "error";
    shown.textContent = (error as Error).message;
  }
}

byId<HTMLFormElement>("publish-form").addEventListener("submit", (e) => {
  e.preventDefault();
  void report(result, "publishing…", async () => {
    const { channel, seq } = await operator().publish(channelInput.value.trim(), payloadOf(payloadInput));
    return `published to ${channel} as #${seq}`;
  });
});

byId<HTMLFormElement>("user-form").addEventListener("submit", (e) => {
  e.preventDefault();
  void report(userResult, "sending…", async () => {
    const { channel, seq } = await operator().pushToUser(userSubInput.value.trim(), payloadOf(userPayloadInput));
    return `sent to ${channel} as #${seq}`;
  });
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
