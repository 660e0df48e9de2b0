import { collectGarbage } from "./inspector";
import { sleep } from "./processes";
import { sampleProcess } from "./procStats";

/** A server process whose inspector listens on `inspectPort` (inspector.ts). */
export interface InspectedServer {
  pid: number;
  inspectPort: number;
}

export interface MemoryReading {
  rssBytes: number;
  /** V8 heap in use plus the memory it tracks outside the heap (Buffers). */
  heapBytes: number;
}

/**
 * Each node's memory once full GCs no longer shrink its RSS: V8 gives pages
 * back only after several collections (an idle Arena drops by some MB around
 * its fourth), so the reading repeats GC + 0.5 s at least 6 times and until the
 * last three RSS readings of every node lie within 256 KB (at most 20 rounds).
 * RSS still moves by a few MB for reasons of its own (pages the allocator keeps
 * or returns): divided among 1,000 displays that is a few KB each.
 */
export async function memoryAfterGc(nodes: InspectedServer[]): Promise<MemoryReading[]> {
  const readings: MemoryReading[][] = [];
  const settled = () => readings.length >= 6 && nodes.every((_, i) => {
    const last = readings.slice(-3).map((r) => r[i].rssBytes);
    return Math.max(...last) - Math.min(...last) < 256 * 1024;
  });
  while (!settled() && readings.length < 20) {
    const heaps = await Promise.all(nodes.map((n) => collectGarbage(n.inspectPort)));
    await sleep(500);
    readings.push(nodes.map((n, i) => ({ rssBytes: sampleProcess(n.pid).rssBytes, heapBytes: heaps[i].heapUsed + heaps[i].external })));
  }
  return readings.at(-1)!;
}

