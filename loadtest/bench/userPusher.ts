/**
 * Child process of the user channel scenario: a backend pushing to its share
 * of the users over HTTP (`POST /api/users/:sub/messages`, or batches of up to
 * `batch` messages to `POST /api/users/messages`; `service` token), round robin
 * over them at a fixed rate, on keep-alive connections with a bounded number of
 * requests in flight. Config as JSON in argv[2]; driven over IPC.
 */
import http from "node:http";
import { userSub, UserPushPayload } from "../bot/UserDeviceLedger";
import { wallClockMs } from "../bot/wallClock";
import type { FromPusher, PusherConfig, PushRound, ToPusher } from "./userProtocol";
import type { UserBatchAnswer } from "../../schema/serverMessages";

const config = JSON.parse(process.argv[2]) as PusherConfig;
const url = new URL(config.base);
const agent = new http.Agent({ keepAlive: true, maxSockets: config.inFlight });
/** A watch-progress update, about the size a device-sync relay carries. */
const BODY = "progress: series 4 episode 2 at 21:52 of 43:10, paused on the living room TV";
const paths = Array.from({ length: config.users }, (_, i) => `/api/users/${encodeURIComponent(userSub(config.firstUser + i))}/messages`);
const tell = (message: FromPusher) => process.send?.(message);

function newRound(): PushRound {
  return { accepted: new Array<number>(config.users).fill(0), failed: 0, startedAt: wallClockMs(), endedAt: 0, responseMs: [], unsent: 0 };
}

/** One request: the n-th push to user `slot` of this pusher, for each item; resolves when answered, whatever the answer. */
function push(round: PushRound, items: { slot: number; n: number }[]): Promise<void> {
  const sentAt = wallClockMs();
  const payloadOf = ({ slot, n }: { slot: number; n: number }): UserPushPayload => ({ user: config.firstUser + slot, n, sentAt, body: BODY });
  const batched = config.batch > 1;
  const body = batched
    ? JSON.stringify({ messages: items.map((item) => ({ sub: userSub(config.firstUser + item.slot), payload: payloadOf(item) })) })
    : JSON.stringify({ payload: payloadOf(items[0]) });
  return new Promise((resolve) => {
    const fail = (why: string) => {
      round.failed++;
      round.firstFailure ??= why;
      resolve();
    };
    const req = http.request(
      {
        agent, host: url.hostname, port: url.port, method: "POST", path: batched ? "/api/users/messages" : paths[items[0].slot],
        headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), Authorization: `Bearer ${config.token}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          if (res.statusCode !== 201) return fail(`${res.statusCode} ${Buffer.concat(chunks).toString().slice(0, 200)}`);
          const published = batched ? (JSON.parse(Buffer.concat(chunks).toString()) as UserBatchAnswer).results.map((r) => "seq" in r) : [true];
          published.forEach((ok, i) => {
            if (ok) round.accepted[items[i].slot]++;
            else round.failed++;
          });
          round.responseMs.push(wallClockMs() - sentAt);
          resolve();
        });
        res.on("error", (e) => fail(String(e)));
      },
    );
    req.on("error", (e) => fail(String(e)));
    req.end(body);
  });
}

/**
 * Pushes at `rate` a second, push i to user i % users (its n-th: i / users + 1,
 * or 0 when warming), due i / rate s after the start, never more than
 * `inFlight` unanswered: a push due while they are out waits for an answer.
 * Ends when `total` are answered, or (measuring) at `seconds`: what the
 * schedule had left then is `unsent`, not pushed later.
 */
function pushRound(total: number, warming: boolean): Promise<PushRound> {
  const round = newRound();
  const start = performance.now();
  const endAt = warming ? Infinity : start + config.seconds * 1000;
  let issued = 0;
  let answered = 0;
  let out = 0;
  const progress = setInterval(() => tell({ type: "progress", answered }), 250);
  return new Promise((resolve) => {
    const finish = () => {
      clearInterval(timer);
      clearInterval(progress);
      round.endedAt = wallClockMs();
      resolve(round);
    };
    const pump = () => {
      const now = performance.now();
      if (now >= endAt && issued < total) {
        round.unsent = total - issued;
        total = issued;
      }
      if (answered === total) return finish();
      const due = Math.min(total, Math.floor(((now - start) * config.rate) / 1000) + 1);
      while (issued < due && out < config.inFlight) {
        const items = Array.from({ length: Math.min(config.batch, due - issued) }, (_, k) => {
          const i = issued + k;
          return { slot: i % config.users, n: warming ? 0 : Math.floor(i / config.users) + 1 };
        });
        issued += items.length;
        out++;
        void push(round, items).then(() => {
          out--;
          answered += items.length;
          pump();
        });
      }
    };
    const timer = setInterval(pump, 1);
    pump();
  });
}

process.on("message", (message: ToPusher) => {
  if (message.type === "warm") {
    void pushRound(config.users, true).then((round) => tell({ type: "warmed", round }));
  } else if (message.type === "push") {
    void pushRound(Math.round(config.rate * config.seconds), false).then((round) => tell({ type: "pushed", round }));
  } else if (message.type === "stop") {
    agent.destroy();
    process.exit(0);
  }
});
