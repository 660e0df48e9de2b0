/** Minimal inline-SVG charts for the self-contained HTML report (no script, no CDN). */

export interface Series {
  name: string;
  color: string;
}

const W = 640;
const H = 300;
const PAD = { left: 60, right: 16, top: 28, bottom: 56 };

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].map((m) => m * p).find((m) => m >= v)!;
}

function frame(title: string, yMax: number, yUnit: string, body: string, legend: Series[]): string {
  const plotH = H - PAD.top - PAD.bottom;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const y = PAD.top + plotH * (1 - f);
    return `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y}" y2="${y}" stroke="#ddd"/>` +
      `<text x="${PAD.left - 6}" y="${y + 4}" text-anchor="end" font-size="11">${+(yMax * f).toPrecision(3)}</text>`;
  });
  const keys = legend.map((s, i) =>
    `<rect x="${PAD.left + i * 160}" y="${H - 16}" width="10" height="10" fill="${s.color}"/>` +
    `<text x="${PAD.left + i * 160 + 14}" y="${H - 7}" font-size="12">${esc(s.name)}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif">` +
    `<text x="${PAD.left}" y="16" font-size="14" font-weight="bold">${esc(title)}</text>` +
    `<text x="12" y="${PAD.top + plotH / 2}" font-size="11" transform="rotate(-90 12 ${PAD.top + plotH / 2})" text-anchor="middle">${esc(yUnit)}</text>` +
    ticks.join("") + body + keys.join("") + `</svg>`;
}

/** Grouped bars: one group per category, one bar per series. */
export function barChart(title: string, yUnit: string, categories: string[], series: (Series & { values: number[] })[]): string {
  const yMax = niceMax(Math.max(...series.flatMap((s) => s.values.filter(Number.isFinite))));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const groupW = plotW / categories.length;
  const barW = (groupW * 0.8) / series.length;
  let body = "";
  categories.forEach((c, ci) => {
    const gx = PAD.left + ci * groupW + groupW * 0.1;
    series.forEach((s, si) => {
      const v = Number.isFinite(s.values[ci]) ? s.values[ci] : 0;
      const h = (plotH * v) / yMax;
      body += `<rect x="${gx + si * barW}" y="${PAD.top + plotH - h}" width="${Math.max(1, barW - 1)}" height="${h}" fill="${s.color}"><title>${esc(s.name)} ${esc(c)}: ${+v.toPrecision(4)}</title></rect>`;
    });
    body += `<text x="${gx + groupW * 0.4}" y="${PAD.top + plotH + 14}" font-size="10" text-anchor="middle">${esc(c)}</text>`;
  });
  return frame(title, yMax, yUnit, body, series);
}

/** Lines through (x, y) points on linear axes. */
export function lineChart(title: string, xUnit: string, yUnit: string, series: (Series & { points: [number, number][] })[], yMaxFixed?: number): string {
  const finite = series.flatMap((s) => s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)));
  const xMax = niceMax(Math.max(...finite.map(([x]) => x)));
  const yMax = yMaxFixed ?? niceMax(Math.max(...finite.map(([, y]) => y)));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const px = (x: number) => PAD.left + (plotW * x) / xMax;
  const py = (y: number) => PAD.top + plotH * (1 - y / yMax);
  let body = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => `<text x="${px(xMax * f)}" y="${PAD.top + plotH + 14}" font-size="11" text-anchor="middle">${+(xMax * f).toPrecision(3)}</text>`)
    .join("");
  body += `<text x="${PAD.left + plotW / 2}" y="${PAD.top + plotH + 30}" font-size="11" text-anchor="middle">${esc(xUnit)}</text>`;
  for (const s of series) {
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)).map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`);
    body += `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.join(" ")}"/>`;
  }
  return frame(title, yMax, yUnit, body, series);
}
