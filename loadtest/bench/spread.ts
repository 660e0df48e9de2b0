/** How the bench spreads work over processes and paces it. */

/** `total` split as evenly as possible into `parts` (the first ones one larger). */
export function split(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

/** Runs `task(0)` .. `task(count - 1)`, started in order, at most `concurrency` at once. */
export async function inFlight(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
