/**
 * `npx tsx loadtest/userRelayFloor.ts [--users 1000] [--devices 3] [--rate 10000] [--seconds 10] [--batch 1] [--port 2990]`:
 * the floor under the user channel scenario's relay target. The bench's own
 * pusher (loadtest/bench/userPusher.ts: one push a request, keep-alive, 64 in
 * flight) pushes at `rate` to a relay that does nothing else
 * (loadtest/peers/userRelay/server.ts: plain `http` and `ws`, no auth, store,
 * backlog or dedupe), its `users` x `devices` sockets held by this process.
 * Pinned as the bench pins: the relay alone on the last CPU, this process and
 * the pusher on the others. Prints the pushes the relay took a second, its CPU
 * and CPU per push, push -> device latency and every delivery counted.
 */
import type { ChildProcess } from "node:child_process";
import path from "node:path";
import os from "node:os";
import { mkdtempSync } from "node:fs";
import { parseArgs } from "node:util";
import WebSocket from "ws";
import { quantileSorted } from "./bot/summary";
import { userSub, UserPushPayload } from "./bot/UserDeviceLedger";
import { wallClockMs } from "./bot/wallClock";
import { cpuPlacement, pinSelf } from "./bench/cpuPlacement";
import { nextMessage } from "./bench/ipc";
import { forkWithIpc, sleep, startServer, stopLoadProcesses, stopProcess, waitForHealthy } from "./bench/processes";
import { cpuPercent, sampleProcess, systemCpuPercent } from "./bench/procStats";
import { inFlight } from "./bench/spread";
import type { FromPusher, PusherConfig, ToPusher } from "./bench/userProtocol";

const { values } = parseArgs({
  options: {
    users: { type: "string", default: "1000" },
    devices: { type: "string", default: "3" },
    rate: { type: "string", default: "10000" },
    seconds: { type: "string", default: "10" },
    batch: { type: "string", default: "1" },
    port: { type: "string", default: "2990" },
  },
});
const [users, devicesPerUser, rate, seconds, batch, port] = [values.users, values.devices, values.rate, values.seconds, values.batch, values.port].map(Number);
const placement = cpuPlacement();
const logDir = mkdtempSync(path.join(os.tmpdir(), "arena-relay-floor-"));

/** Every device's receipts: per device, the messages of its own user it got; push -> device and relay (ts) -> device latencies. */
const receipts: number[] = [];
const latencies: number[] = [];
const relayLatencies: number[] = [];
let foreign = 0;

function connectDevice(device: number): Promise<WebSocket> {
  const user = Math.floor(device / devicesPerUser);
  const socket = new WebSocket(`ws://127.0.0.1:${port}/?user=${encodeURIComponent(userSub(user))}`);
  receipts[device] = 0;
  socket.on("message", (data) => {
    const { ts, payload } = JSON.parse(String(data)) as { ts: number; payload: UserPushPayload };
    if (payload.user !== user) foreign++;
    receipts[device]++;
    latencies.push(wallClockMs() - payload.sentAt);
    relayLatencies.push(Date.now() - ts);
  });
  return new Promise((resolve, reject) => {
    socket.once("open", () => resolve(socket));
    socket.once("error", reject);
  });
}

(async () => {
  if ("load" in placement) pinSelf(placement.load);
  const cpus = "load" in placement ? placement : undefined;
  const relay = await startServer("loadtest/peers/userRelay/server.ts", { PORT: String(port) }, path.join(logDir, "relay.log"), { cpus: cpus?.server });
  let pusher: ChildProcess | undefined;
  const sockets: WebSocket[] = [];
  try {
    await waitForHealthy(`http://127.0.0.1:${port}/healthz`, relay);
    await inFlight(users * devicesPerUser, 50, async (d) => void sockets.push(await connectDevice(d)));
    const config: PusherConfig = { base: `http://127.0.0.1:${port}`, token: "none", firstUser: 0, users, rate, seconds, inFlight: 64, batch };
    pusher = await forkWithIpc("loadtest/bench/userPusher.ts", [JSON.stringify(config)], path.join(logDir, "pusher.log"), cpus?.load);
    // The same warm-up as the bench: one push to every user, not measured.
    const warmed = nextMessage<FromPusher, "warmed">(pusher, "warmed", 60_000);
    pusher.send({ type: "warm" } satisfies ToPusher);
    await warmed;
    while (receipts.reduce((a, b) => a + b, 0) < users * devicesPerUser) await sleep(20);
    latencies.length = 0;
    relayLatencies.length = 0;
    const before = sampleProcess(relay.pid!);
    const pushed = nextMessage<FromPusher, "pushed">(pusher, "pushed", 60_000 + 2000 * seconds);
    pusher.send({ type: "push" } satisfies ToPusher);
    const { round } = await pushed;
    const after = sampleProcess(relay.pid!);
    const accepted = round.accepted.reduce((a, b) => a + b, 0);
    const expected = users * devicesPerUser + accepted * devicesPerUser;
    const deadline = performance.now() + 10_000;
    while (receipts.reduce((a, b) => a + b, 0) < expected && performance.now() < deadline) await sleep(20);
    const delivered = receipts.reduce((a, b) => a + b, 0);
    const windowSeconds = (round.endedAt - round.startedAt) / 1000;
    const sorted = Float64Array.from(latencies).sort();
    const relayed = Float64Array.from(relayLatencies).sort();
    const responses = Float64Array.from(round.responseMs).sort();
    const q = (xs: Float64Array, p: number) => quantileSorted(xs, p).toFixed(1);
    const cpu = cpuPercent(before, after);
    console.log(`user relay floor, ${users} users x ${devicesPerUser} devices, ${rate} pushes/s asked for ${seconds} s, ${batch > 1 ? `up to ${batch} pushes a request` : "one push a request"}, ${new Date().toISOString()}`);
    console.log(`  CPUs: relay ${"load" in placement ? placement.server : "any"}, devices and pusher ${"load" in placement ? placement.load : "any"}`);
    console.log(`  pushes accepted ${accepted} (${(accepted / windowSeconds).toFixed(0)}/s), refused ${round.failed}, not sent in time ${round.unsent}`);
    console.log(`  relay CPU ${cpu.toFixed(1)} % of a core (kernel ${systemCpuPercent(before, after).toFixed(1)}), ${((cpu / 100) * 1e6 * ((after.at - before.at) / 1000) / accepted).toFixed(1)} µs per push, deliveries included`);
    console.log(`  push -> device p50 / p95 / p99 ${q(sorted, 0.5)} / ${q(sorted, 0.95)} / ${q(sorted, 0.99)} ms; push response p50 / p99 ${q(responses, 0.5)} / ${q(responses, 0.99)} ms`);
    console.log(`  relay at the device (its Date.now() - the relay's ts, whole ms) p50 / p95 / p99 ${q(relayed, 0.5)} / ${q(relayed, 0.95)} / ${q(relayed, 0.99)} ms`);
    console.log(`  delivered ${delivered} / ${expected} (warm-up included), to another user's device ${foreign}`);
  } finally {
    for (const socket of sockets) socket.terminate();
    if (pusher) await stopLoadProcesses([pusher]);
    await stopProcess(relay);
  }
})().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
