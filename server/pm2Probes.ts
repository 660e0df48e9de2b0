import io from "@pm2/io";

/**
 * Stops the probes of @pm2/io, which Colyseus loads for PM2's dashboard (its room and client counts). Loading
 * it starts timers that list every libuv handle of the process (`process._getActiveHandles()`), once a second
 * and again every 3 s. At 10,000 displays a listing took 6 ms at the median, and a match ticking on the node
 * started that much late each time. Arena's own figures are at /metrics. @pm2/io is one instance per
 * process, shared with Colyseus's own import, so this is for the process's entry (main.ts), once.
 */
export function stopPm2Probes(): void {
  io.destroy();
}
