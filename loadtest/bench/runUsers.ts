import type { ChildProcess } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { quantileSorted, summarizeLatencies } from "../bot/summary";
import { botToken } from "../bot/token";
import type { CpuPlacement } from "./cpuPlacement";
import { nextMessage } from "./ipc";
import { forkWithIpc, sleep, startServer, stopLoadProcesses, stopProcess, waitForHealthy } from "./processes";
import { mainThreadProfile } from "./profileSummary";
import { cpuPercent, machinePercent, ProcessSample, sampleMachine, sampleProcess, systemCpuPercent } from "./procStats";
import { bucketsBetween, counterValue, histogramBuckets, histogramQuantile, Sample, scrapeMetrics } from "./promText";
import { split } from "./spread";
import { arenaEnv } from "./targets";
import type { UserDelivery, UserFigures, UserRun } from "./userFigures";
import type { DeviceFleetConfig, FromDeviceFleet, FromPusher, PusherConfig, PushRound, ToDeviceFleet, ToPusher } from "./userProtocol";

export interface UserOptions {
  users: number;
  devicesPerUser: number;
  /** Pushes a second, over all pushers, and for how many seconds. */
  rate: number;
  seconds: number;
  /** Device bot processes and pusher processes. */
  deviceProcesses: number;
  pushers: number;
  /** Messages per push request (see PusherConfig.batch). */
  batch: number;
  port: number;
  runDir: string;
  secret: string;
  /** Run the server under --cpu-prof (the profile lands in runDir/profile-users). */
  cpuProfile: boolean;
  /** The server alone on `server`, devices and pushers on `load`; undefined: every process on every CPU. */
  placement?: CpuPlacement;
  onProgress(line: string): void;
}

const JOINS_IN_FLIGHT = 50;
/** Requests in flight per pusher process (each on its own keep-alive connection). */
const PUSHES_IN_FLIGHT = 64;
/** How long deliveries may trail the last push before the missing ones count as lost. */
const STRAGGLER_MS = 10_000;

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const percentiles = (samples: number[]) => {
  const sorted = Float64Array.from(samples).sort();
  return { p50: quantileSorted(sorted, 0.5), p95: quantileSorted(sorted, 0.95), p99: quantileSorted(sorted, 0.99) };
};
const userRelayBuckets = (samples: Sample[]) => histogramBuckets(samples, "arena_fanout_latency_seconds", { kind: "user" });
const userRelayed = (samples: Sample[]) => counterValue(samples, "arena_fanout_relayed_total", { kind: "user" });

/** Waits until `done()` or `timeoutMs`, reporting `what` every second. */
async function until(done: () => boolean, timeoutMs: number, report: () => void): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  const ticker = setInterval(report, 1000);
  try {
    while (!done() && performance.now() < deadline) await sleep(50);
  } finally {
    clearInterval(ticker);
  }
}

/**
 * The user channel scenario on one Arena node: `users` identities with
 * `devicesPerUser` devices each in the lobby; pushers post over HTTP to every
 * user in turn at `rate` a second for `seconds`; every device checks it got
 * exactly its user's messages, each once, in seq order; relay latency comes
 * from the server's histogram and from each device.
 */
export async function runUserScenario(options: UserOptions): Promise<UserRun> {
  const progress = (what: string) => options.onProgress(`[user channels] ${what}`);
  const totalDevices = options.users * options.devicesPerUser;
  const cpus = options.placement;
  const profileDir = path.join(options.runDir, "profile-users");
  const fleets: ChildProcess[] = [];
  const pushers: ChildProcess[] = [];
  let server: ChildProcess | undefined;
  let run: UserRun;
  try {
    progress("starting server");
    const env = {
      ...arenaEnv(options.secret),
      PORT: String(options.port),
      // Every push comes from 127.0.0.1 (default: 600 a minute per address).
      ARENA_PUBLISH_REQUESTS_PER_MINUTE: "1000000000",
    };
    const profile = options.cpuProfile ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
    server = await startServer("main.ts", env, path.join(options.runDir, "users-arena.log"), { nodeFlags: profile, cpus: cpus?.server });
    await waitForHealthy(`http://127.0.0.1:${options.port}/healthz`, server);
    const serverPid = server.pid!;

    // Devices: fleet f joins a contiguous share, so a user's devices are mostly in one process, each its own connection.
    const connected = new Array<number>(options.deviceProcesses).fill(0);
    const delivered = new Array<number>(options.deviceProcesses).fill(0);
    let firstDevice = 0;
    for (const [f, devices] of split(totalDevices, options.deviceProcesses).entries()) {
      const config: DeviceFleetConfig = {
        endpoint: `ws://127.0.0.1:${options.port}`, secret: options.secret, firstDevice, devices, devicesPerUser: options.devicesPerUser, concurrency: JOINS_IN_FLIGHT,
      };
      firstDevice += devices;
      const fleet = await forkWithIpc("loadtest/bench/userDeviceFleet.ts", [JSON.stringify(config)], path.join(options.runDir, `users-devices-${f + 1}.log`), cpus?.load);
      fleet.on("message", (m: FromDeviceFleet) => {
        if (m.type !== "progress") return;
        connected[f] = m.connected;
        delivered[f] = m.delivered;
      });
      fleets.push(fleet);
    }
    const ticker = setInterval(() => progress(`connecting devices: ${sum(connected)}/${totalDevices}`), 1000);
    let connectSeconds: number;
    try {
      const done = await Promise.all(fleets.map((fleet) => nextMessage<FromDeviceFleet, "connected">(fleet, "connected", 60_000 + 50 * totalDevices)));
      connectSeconds = Math.max(...done.map((m) => m.seconds));
    } finally {
      clearInterval(ticker);
    }

    // Pushers: pusher p takes a contiguous share of the users and the same share of the rate.
    const token = await botToken(options.secret, "service", "bench-backend");
    const answered = new Array<number>(options.pushers).fill(0);
    let firstUser = 0;
    for (const [p, users] of split(options.users, options.pushers).entries()) {
      const config: PusherConfig = {
        base: `http://127.0.0.1:${options.port}`, token, firstUser, users, rate: (options.rate * users) / options.users, seconds: options.seconds, inFlight: PUSHES_IN_FLIGHT, batch: options.batch,
      };
      firstUser += users;
      const pusher = await forkWithIpc("loadtest/bench/userPusher.ts", [JSON.stringify(config)], path.join(options.runDir, `users-pusher-${p + 1}.log`), cpus?.load);
      pusher.on("message", (m: FromPusher) => {
        if (m.type === "progress") answered[p] = m.answered;
      });
      pushers.push(pusher);
    }
    const round = async (type: "warm" | "push"): Promise<PushRound[]> => {
      const reply = type === "warm" ? "warmed" : "pushed";
      const rounds = pushers.map((pusher) => nextMessage<FromPusher, typeof reply>(pusher, reply, 60_000 + 2000 * options.seconds));
      for (const pusher of pushers) pusher.send({ type } satisfies ToPusher);
      return (await Promise.all(rounds)).map((m) => m.round);
    };
    /** accepted[u]: pushes to user u answered 201, over `rounds` (pushers' shares in order). */
    const acceptedPerUser = (rounds: PushRound[]) => rounds.flatMap((r) => r.accepted);

    // Warm-up: one push to every user opens the pushers' connections and runs every path once; not measured.
    progress(`${totalDevices} devices connected in ${connectSeconds.toFixed(1)} s; warm-up push to every user`);
    const warm = await round("warm");
    const warmExpected = sum(acceptedPerUser(warm)) * options.devicesPerUser;
    await until(() => sum(delivered) >= warmExpected, 30_000, () => progress(`warm-up: ${sum(delivered)}/${warmExpected} deliveries`));
    await sleep(500);

    const before = await scrapeMetrics(options.port, options.secret);
    const serverAtStart = sampleProcess(serverPid);
    const startLoad = [...fleets, ...pushers].map((c) => sampleProcess(c.pid!));
    const startMachine = sampleMachine();
    let peakRss = serverAtStart.rssBytes;
    const rssSampler = setInterval(() => (peakRss = Math.max(peakRss, sampleProcess(serverPid).rssBytes)), 1000);
    const pushTicker = setInterval(() => progress(`pushing: ${sum(answered)}/${options.rate * options.seconds} answered, ${sum(delivered) - warmExpected} deliveries`), 1000);
    let measured: PushRound[];
    try {
      measured = await round("push");
    } finally {
      clearInterval(pushTicker);
    }
    const windowExpected = sum(acceptedPerUser(measured)) * options.devicesPerUser;
    const expected = warmExpected + windowExpected;
    await until(() => sum(delivered) >= expected, STRAGGLER_MS, () => progress(`waiting for deliveries: ${sum(delivered)}/${expected}`));
    clearInterval(rssSampler);
    const serverAtEnd = sampleProcess(serverPid);
    const endLoad = [...fleets, ...pushers].map((c) => sampleProcess(c.pid!));
    const endMachine = sampleMachine();
    peakRss = Math.max(peakRss, serverAtEnd.rssBytes);
    const after = await scrapeMetrics(options.port, options.secret);

    const results = await Promise.all(fleets.map(async (fleet) => {
      const reply = nextMessage<FromDeviceFleet, "result">(fleet, "result", 30_000);
      fleet.send({ type: "report" } satisfies ToDeviceFleet);
      return reply;
    }));
    const tallies = results.flatMap((r) => r.devices);
    const accepted = acceptedPerUser(warm).map((n, u) => n + acceptedPerUser(measured)[u]);
    const delivery: UserDelivery = {
      expected,
      delivered: sum(tallies.map((t) => t.delivered)),
      missing: sum(tallies.map((t) => Math.max(0, accepted[t.user] - t.delivered))),
      unexpected: sum(tallies.map((t) => Math.max(0, t.delivered - accepted[t.user]))),
      duplicates: sum(tallies.map((t) => t.duplicates)),
      foreign: sum(tallies.map((t) => t.foreign)),
      outOfOrder: sum(tallies.map((t) => t.outOfOrder)),
      notices: sum(tallies.map((t) => t.notices)),
      disconnects: tallies.filter((t) => t.disconnected).length,
      pushFailures: sum([...warm, ...measured].map((r) => r.failed)),
      firstPushFailure: [...warm, ...measured].find((r) => r.firstFailure)?.firstFailure,
      serverRelayed: userRelayed(after) - userRelayed(before),
      windowExpected,
    };

    const relayMs = results.flatMap((r) => r.latencies.relayMs);
    const pushToDeviceMs = results.flatMap((r) => r.latencies.pushToDeviceMs);
    const responseMs = measured.flatMap((r) => r.responseMs);
    const buckets = bucketsBetween(userRelayBuckets(before), userRelayBuckets(after));
    const serverQuantileMs = (q: number) => histogramQuantile(q, buckets) * 1000;
    const pushSeconds = (Math.max(...measured.map((r) => r.endedAt)) - Math.min(...measured.map((r) => r.startedAt))) / 1000;
    const windowSeconds = (serverAtEnd.at - serverAtStart.at) / 1000;
    const serverCpu = cpuPercent(serverAtStart, serverAtEnd);
    const loadCpu = (from: number, to: number) => sum(startLoad.slice(from, to).map((s, i) => cpuPercent(s, endLoad[from + i])));
    const deviceCpu = loadCpu(0, fleets.length);
    const pusherCpu = loadCpu(fleets.length, fleets.length + pushers.length);
    const machine = machinePercent(startMachine, endMachine, os.cpus().length);
    const device = percentiles(relayMs);
    const pushToDevice = percentiles(pushToDeviceMs);
    const response = percentiles(responseMs);
    const pushesAccepted = windowExpected / options.devicesPerUser;
    const figures: UserFigures = {
      serverRelayP50Ms: serverQuantileMs(0.5),
      serverRelayP95Ms: serverQuantileMs(0.95),
      serverRelayP99Ms: serverQuantileMs(0.99),
      deviceRelayP50Ms: device.p50,
      deviceRelayP95Ms: device.p95,
      deviceRelayP99Ms: device.p99,
      pushToDeviceP50Ms: pushToDevice.p50,
      pushToDeviceP99Ms: pushToDevice.p99,
      pushResponseP50Ms: response.p50,
      pushResponseP99Ms: response.p99,
      pushRate: pushesAccepted / pushSeconds,
      relayRate: delivery.serverRelayed / windowSeconds,
      serverCpuPercent: serverCpu,
      serverKernelCpuPercent: systemCpuPercent(serverAtStart, serverAtEnd),
      cpuPerPushUs: ((serverAtEnd.cpuSeconds - serverAtStart.cpuSeconds) * 1e6) / pushesAccepted,
      serverRssStartMB: serverAtStart.rssBytes / 2 ** 20,
      serverRssMB: peakRss / 2 ** 20,
      connectSeconds,
      deviceCpuPercent: deviceCpu,
      pusherCpuPercent: pusherCpu,
      softirqCpuPercent: machine.softirq,
      otherCpuPercent: Math.max(0, machine.busy - machine.softirq - serverCpu - deviceCpu - pusherCpu),
    };
    progress(`done: relay p50 ${figures.serverRelayP50Ms.toFixed(2)} ms, p99 ${figures.serverRelayP99Ms.toFixed(2)} ms (server histogram)`);
    run = {
      id: "arena",
      label: "Arena",
      users: options.users,
      devicesPerUser: options.devicesPerUser,
      rate: options.rate,
      seconds: options.seconds,
      pushers: options.pushers,
      batch: options.batch,
      deviceProcesses: options.deviceProcesses,
      unsent: sum(measured.map((r) => r.unsent)),
      windowSeconds,
      figures,
      delivery,
      deviceRelay: summarizeLatencies(relayMs),
      pushToDevice: summarizeLatencies(pushToDeviceMs),
      cpus: { server: serverAtEnd.cpusAllowed, load: [...new Set(endLoad.map((s) => s.cpusAllowed))].join(" / ") },
    };
  } finally {
    await stopLoadProcesses([...fleets, ...pushers]);
    if (server) await stopProcess(server);
  }
  // The profile is written when the server exits.
  if (options.cpuProfile) run.profile = mainThreadProfile(profileDir);
  return run;
}
