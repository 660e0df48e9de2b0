import { botToken } from "../bot/token";

/**
 * Just enough of the Prometheus text format to read counters and histograms
 * back from /metrics (Arena's and the peers').
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(LABEL)) labels[l[1]] = l[2];
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return samples;
}

const matches = (s: Sample, name: string, labels: Record<string, string>) =>
  s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v);

/** Sum of a counter's series that carry `labels`. */
export function counterValue(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples.filter((s) => matches(s, name, labels)).reduce((n, s) => n + s.value, 0);
}

/** Cumulative bucket counts, ascending by upper bound (+Inf last). */
export type Buckets = { le: number; count: number }[];

export function histogramBuckets(samples: Sample[], name: string, labels: Record<string, string> = {}): Buckets {
  const byLe = new Map<number, number>();
  for (const s of samples) {
    if (!matches(s, `${name}_bucket`, labels)) continue;
    const le = s.labels.le === "+Inf" ? Infinity : Number(s.labels.le);
    byLe.set(le, (byLe.get(le) ?? 0) + s.value);
  }
  return [...byLe].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
}

/** Several servers' histograms as one (same bounds; a server that never observed one has none and adds nothing). */
export function sumBuckets(all: Buckets[]): Buckets {
  const observed = all.filter((buckets) => buckets.length > 0);
  if (observed.length === 0) return [];
  return observed[0].map((b, i) => ({ le: b.le, count: observed.reduce((sum, buckets) => sum + buckets[i].count, 0) }));
}

/** The buckets of the interval between two scrapes. */
export function bucketsBetween(from: Buckets, to: Buckets): Buckets {
  return to.map((b) => ({ le: b.le, count: b.count - (from.find((f) => f.le === b.le)?.count ?? 0) }));
}

/**
 * Quantile estimated as Prometheus's histogram_quantile does: linear
 * interpolation inside the bucket that holds the rank; a rank in the +Inf
 * bucket answers the largest finite bound.
 */
export function histogramQuantile(q: number, buckets: Buckets): number {
  const total = buckets.at(-1)?.count ?? 0;
  if (total === 0) return NaN;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      if (b.le === Infinity) return lowerBound;
      return lowerBound + ((b.le - lowerBound) * (rank - lowerCount)) / (b.count - lowerCount);
    }
    lowerBound = b.le;
    lowerCount = b.count;
  }
  return lowerBound;
}

/**
 * What the server on loopback `port` answers on /metrics, parsed. Arena's public /metrics takes an operator
 * token, signed with the run's `secret`; the peers ignore it.
 */
export async function scrapeMetrics(port: number, secret: string): Promise<Sample[]> {
  const headers = { Authorization: `Bearer ${await botToken(secret, "operator", "bench-metrics")}` };
  return parsePrometheusText(await (await fetch(`http://127.0.0.1:${port}/metrics`, { headers })).text());
}
