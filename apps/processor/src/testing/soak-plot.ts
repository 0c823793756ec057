// The long soak's picture: consumer lag and processor RSS over time, faults as shaded bands. Plain SVG, no library:
// two polylines on one time axis, each scaled to its own maximum (the labels give the figures).

export interface SoakSample {
  /** Seconds since the soak started. */
  readonly t: number;
  readonly lag: number;
  readonly rssMiB: number;
}

export interface SoakFaultSpan {
  readonly name: string;
  readonly from: number;
  readonly to: number;
}

const W = 900;
const H = 320;
const PAD = { left: 60, right: 60, top: 30, bottom: 40 };

const esc = (text: string) => text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

function line(samples: readonly SoakSample[], y: (s: SoakSample) => number, tMax: number, yMax: number): string {
  const x = (t: number) => PAD.left + (t / tMax) * (W - PAD.left - PAD.right);
  const yPx = (v: number) => H - PAD.bottom - (v / yMax) * (H - PAD.top - PAD.bottom);
  return samples.map((s) => `${x(s.t).toFixed(1)},${yPx(y(s)).toFixed(1)}`).join(' ');
}

/** The SVG document: lag (blue, left axis) and RSS (red, right axis) against minutes, faults shaded. */
export function soakPlot(samples: readonly SoakSample[], faults: readonly SoakFaultSpan[], title: string): string {
  const tMax = Math.max(1, ...samples.map((s) => s.t));
  const lagMax = Math.max(1, ...samples.map((s) => s.lag));
  const rssMax = Math.max(1, ...samples.map((s) => s.rssMiB));
  const x = (t: number) => PAD.left + (t / tMax) * (W - PAD.left - PAD.right);
  const bands = faults.map(
    (f) =>
      `<rect x="${x(f.from).toFixed(1)}" y="${PAD.top}" width="${Math.max(1, x(f.to) - x(f.from)).toFixed(1)}" ` +
      `height="${H - PAD.top - PAD.bottom}" fill="#f4c542" opacity="0.35"><title>${esc(f.name)}</title></rect>`,
  );
  const minutes = Math.floor(tMax / 60);
  const ticks = Array.from({ length: Math.floor(minutes / 10) + 1 }, (_, i) => i * 10).map(
    (m) => `<text x="${x(m * 60).toFixed(1)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${m}</text>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<text x="${W / 2}" y="16" text-anchor="middle" font-size="13">${esc(title)}</text>`,
    ...bands,
    `<rect x="${PAD.left}" y="${PAD.top}" width="${W - PAD.left - PAD.right}" height="${H - PAD.top - PAD.bottom}" fill="none" stroke="#999"/>`,
    `<polyline fill="none" stroke="#1f6fb2" stroke-width="1.5" points="${line(samples, (s) => s.lag, tMax, lagMax)}"/>`,
    `<polyline fill="none" stroke="#c0392b" stroke-width="1.5" points="${line(samples, (s) => s.rssMiB, tMax, rssMax)}"/>`,
    `<text x="${PAD.left - 6}" y="${PAD.top + 4}" text-anchor="end" fill="#1f6fb2">${lagMax}</text>`,
    `<text x="${PAD.left - 6}" y="${H - PAD.bottom}" text-anchor="end" fill="#1f6fb2">0</text>`,
    `<text x="14" y="${H / 2}" fill="#1f6fb2" transform="rotate(-90 14 ${H / 2})" text-anchor="middle">lag (records)</text>`,
    `<text x="${W - PAD.right + 6}" y="${PAD.top + 4}" fill="#c0392b">${rssMax.toFixed(0)}</text>`,
    `<text x="${W - PAD.right + 6}" y="${H - PAD.bottom}" fill="#c0392b">0</text>`,
    `<text x="${W - 14}" y="${H / 2}" fill="#c0392b" transform="rotate(90 ${W - 14} ${H / 2})" text-anchor="middle">processor RSS (MiB)</text>`,
    ...ticks,
    `<text x="${W / 2}" y="${H - 6}" text-anchor="middle">minutes (faults shaded)</text>`,
    '</svg>',
    '',
  ].join('\n');
}

/** Mean RSS of the first and the last quarter of the samples, and the last's change against the first. */
export function rssQuarters(samples: readonly SoakSample[]): { first: number; last: number; change: number } {
  const n = Math.max(1, Math.floor(samples.length / 4));
  const mean = (xs: readonly SoakSample[]) => xs.reduce((a, s) => a + s.rssMiB, 0) / Math.max(1, xs.length);
  const first = mean(samples.slice(0, n));
  const last = mean(samples.slice(-n));
  return { first, last, change: first === 0 ? 0 : (last - first) / first };
}
