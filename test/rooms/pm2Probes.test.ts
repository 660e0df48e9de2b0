import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

const PORT = 2899;

function nextMessage<T>(child: ChildProcess, accept: (m: unknown) => m is T): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: unknown) => {
      if (!accept(m)) return;
      child.off("message", onMessage);
      resolve(m);
    };
    child.on("message", onMessage);
    child.once("exit", (code) => reject(new Error(`server exited (${code}) before answering`)));
  });
}

describe("the server process and @pm2/io", () => {
  let child: ChildProcess;
  afterEach(() => void child?.kill("SIGKILL"));

  // Colyseus loads @pm2/io, whose timers list every socket of the process once a second; at 10,000
  // displays a match ticking on the node started about 6 ms late each time.
  it("runs none of @pm2/io's timers once it serves", async function () {
    this.timeout(30_000);
    child = spawn(process.execPath, ["--require", "tsx/cjs", "--require", path.join(__dirname, "recordPm2Timers.ts"), "main.ts"], {
      env: { ...process.env, PORT: String(PORT), ARENA_LOG_LEVEL: "warn" },
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    await nextMessage(child, (m): m is "ready" => m === "ready");
    child.send("pm2-timers");
    const timers = await nextMessage(child, (m): m is { started: number; running: string[] } => typeof m === "object" && m !== null && "running" in m);
    assert.ok(timers.started > 1, "@pm2/io was loaded and started its timers");
    // One is left, and harmless: the error reporter's source cache sweeps its (empty) entries once a
    // second; @pm2/io's destroy() does not stop it.
    const left = timers.running.filter((stack) => !stack.includes("stackParser.js"));
    assert.deepEqual(left, [], "timers of @pm2/io still running");
  });
});
