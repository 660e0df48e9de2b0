/**
 * Child process of the user channel scenario: joins its share of the devices
 * (each with a token of its user's identity) and checks every user message
 * each receives. Config as JSON in argv[2]; driven over IPC.
 */
import { botToken } from "../bot/token";
import { DeviceLatencies, UserDeviceLedger, userSub } from "../bot/UserDeviceLedger";
import { joinUserDevice } from "../bot/userDeviceBot";
import { inFlight } from "./spread";
import type { DeviceFleetConfig, FromDeviceFleet, ToDeviceFleet } from "./userProtocol";

const config = JSON.parse(process.argv[2]) as DeviceFleetConfig;
const latencies: DeviceLatencies = { relayMs: [], pushToDeviceMs: [] };
const ledgers: UserDeviceLedger[] = [];
const devices: { close(): Promise<void> }[] = [];
const tell = (message: FromDeviceFleet) => process.send?.(message);
const delivered = () => ledgers.reduce((n, l) => n + l.tally.delivered, 0);

process.on("message", async (message: ToDeviceFleet) => {
  if (message.type === "report") {
    tell({ type: "result", devices: ledgers.map((l) => l.tally), latencies });
  } else if (message.type === "stop") {
    await Promise.race([Promise.all(devices.map((d) => d.close().catch(() => {}))), new Promise((r) => setTimeout(r, 3000))]);
    process.exit(0);
  }
});

(async () => {
  const progress = setInterval(() => tell({ type: "progress", connected: devices.length, delivered: delivered() }), 250);
  const started = performance.now();
  await inFlight(config.devices, config.concurrency, async (i) => {
    const device = config.firstDevice + i;
    const user = Math.floor(device / config.devicesPerUser);
    const token = await botToken(config.secret, "display", `device-${device}`, userSub(user));
    const ledger = new UserDeviceLedger(user, latencies);
    ledgers.push(ledger);
    devices.push(await joinUserDevice(config.endpoint, token, ledger));
  });
  tell({ type: "connected", devices: devices.length, seconds: (performance.now() - started) / 1000 });
  progress.refresh();
})().catch((error: unknown) => {
  tell({ type: "failed", error: String((error as Error)?.stack ?? error) });
  process.exit(1);
});
