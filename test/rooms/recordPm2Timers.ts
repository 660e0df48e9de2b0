/**
 * Preloaded (`--require`) into a server process by pm2Probes.test.ts: records every interval timer that
 * @pm2/io starts, and answers the IPC message `pm2-timers` with how many it started and where each one
 * that still runs was started.
 */
const started: { timer: NodeJS.Timeout; stack: string }[] = [];
const originalSetInterval = global.setInterval;
global.setInterval = ((...args: Parameters<typeof setInterval>) => {
  const timer = originalSetInterval(...args);
  const stack = new Error().stack ?? "";
  if (stack.includes("@pm2/io")) started.push({ timer, stack });
  return timer;
}) as typeof setInterval;

process.on("message", (message) => {
  if (message !== "pm2-timers") return;
  // A cleared Node timer is marked _destroyed.
  const running = started.filter(({ timer }) => !(timer as NodeJS.Timeout & { _destroyed: boolean })._destroyed);
  process.send?.({ started: started.length, running: running.map(({ stack }) => stack) });
});
