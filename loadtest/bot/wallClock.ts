/**
 * Milliseconds since the epoch with sub-millisecond resolution, comparable
 * across the processes of one machine: each process's monotonic clock offset by
 * its own start time on the system clock. The display scenario's publisher and
 * displays run in different processes and compare these readings.
 */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}
