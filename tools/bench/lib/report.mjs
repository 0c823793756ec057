// Statistics and the three outputs of a run: the stdout table, the JSON document and the SVG chart (hand-written:
// the harness adds no dependency).

export function median(values) {
  const xs = values.filter((v) => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const mid = Math.floor(xs.length / 2);
  return xs.length % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

/** Nearest-rank percentile of a sorted array. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

export const ratio = (a, b) => (a == null || b == null || b === 0 ? null : Number((a / b).toFixed(3)));
export const round = (x, digits = 0) => (x == null ? null : Number(x.toFixed(digits)));

const fmt = (x, digits = 0) =>
  x == null ? '—' : Number(x).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const mib = (bytes) => (bytes == null ? '—' : `${fmt(bytes / 1048576, 0)} MiB`);

function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** The human-readable report (Markdown tables, so tools/bench/results/README.md can quote it as is). */
export function renderText(doc) {
  const out = [];
  const t = doc.throughput;
  out.push(
    `Benchmark ${doc.run.id} (${doc.run.mode}) of commit ${doc.run.commit ?? '?'}: ${fmt(doc.config.count)} records/variant, ${doc.config.rounds} interleaved rounds, median shown`,
  );
  out.push(
    `machine: ${doc.machine.cores} cores ${doc.machine.cpuModel}, ${mib(doc.machine.memoryBytes)}; Kafka ${doc.versions.broker ?? '?'}, Node ${doc.versions.node}, kafkajs ${doc.versions.kafkajs}`,
  );
  out.push(`processor app runtime (its Helm values): ${formatRuntime(doc.appRuntime)}`);
  out.push('');
  out.push(
    table(
      ['variant', 'records', 'records/s', 'client CPU µs/rec', 'peak RSS', 'broker CPU µs/rec', 'runs (records/s)'],
      t.variants.map((v) => [
        v.label,
        fmt(v.records),
        fmt(v.rps),
        fmt(v.cpuUsPerRecord, 1),
        mib(v.peakRssBytes),
        fmt(v.brokerUsPerRecord, 1),
        v.notRun ? `not run: ${v.notRun}` : v.runs.map((r) => (r == null ? 'FAILED' : fmt(r))).join(', '),
      ]),
    ),
  );
  for (const v of t.variants.filter((x) => x.failures?.length)) {
    out.push('');
    out.push(
      `${v.label}: ${v.failures.length} run(s) FAILED; first error: ${v.failures[0].split('\n').slice(0, 3).join(' / ')}`,
    );
  }
  out.push('');
  const r = doc.ratios;
  const target = (value, goal, cmp = '≥') =>
    value == null
      ? '—'
      : `${value} (target ${cmp} ${goal}: ${(cmp === '≥' ? value >= goal : value <= goal) ? 'met' : 'NOT met'})`;
  out.push(
    table(
      ['ratio', 'value'],
      [
        ['processor ÷ passthrough', target(r.processor_over_passthrough, 0.85)],
        ['processor exactly_once ÷ at_least_once', target(r.exactly_once_over_at_least_once, 0.9)],
        ['processor core ÷ passthrough (no app wiring)', r.processor_core_over_passthrough ?? '—'],
        ['processor ÷ naive', target(r.processor_over_naive, 10)],
        ['processor ÷ broker ceiling', r.processor_over_ceiling ?? '—'],
        ['passthrough ÷ broker ceiling', r.passthrough_over_ceiling ?? '—'],
        ['processor ÷ kafka-streams (records/s)', r.processor_over_kafka_streams ?? '—'],
        ['processor ÷ kafka-streams (client CPU µs/record)', r.processor_cpu_over_kafka_streams ?? '—'],
        ['processor ÷ kafka-streams (peak RSS)', r.processor_rss_over_kafka_streams ?? '—'],
        ['kafka-streams exactly_once_v2 ÷ at_least_once', r.kafka_streams_exactly_once_over_at_least_once ?? '—'],
        [
          `processor ${pct(doc.config.invalidShare)} invalid ÷ 0% invalid (generator's mix, ${fmt(doc.data.invalid?.avgValueBytes)} B/record vs ${fmt(doc.data.main?.avgValueBytes)} B)`,
          target(r.invalid_over_valid, 0.8),
        ],
        [
          `processor ${pct(doc.config.invalidShare)} invalid, none oversized ÷ 0% invalid (${fmt(doc.data.invalidNoOversized?.avgValueBytes)} B/record)`,
          target(r.invalid_no_oversized_over_valid, 0.8),
        ],
      ],
    ),
  );
  if (doc.latency.length > 0) {
    out.push('');
    out.push(
      table(
        ['rate (events/s)', 'variant', 'achieved/s', 'matched', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
        doc.latency.flatMap((l) =>
          l.variants.map((v) => [
            l.label,
            v.variant,
            fmt(v.achievedRate),
            fmt(v.matched),
            fmt(v.p50),
            fmt(v.p95),
            fmt(v.p99),
            fmt(v.max),
          ]),
        ),
      ),
    );
    out.push('');
    out.push(
      table(
        ['rate (events/s)', 'p99 processor ÷ passthrough', 'p99 exactly_once ÷ at_least_once'],
        doc.latency.map((l) => [l.label, target(l.p99Ratio, 1.5, '≤'), l.exactlyOnceP99Ratio ?? '—']),
      ),
    );
  }
  if (doc.memory?.error) {
    out.push('');
    out.push(`memory run FAILED: ${doc.memory.error.split('\n').slice(0, 3).join(' / ')}`);
  } else if (doc.memory) {
    out.push('');
    out.push(
      `memory: processor drained ${fmt(doc.memory.records)} records at ${fmt(doc.memory.rps)} records/s, peak RSS ${mib(doc.memory.peakRssBytes)}` +
        ` (first half ${mib(doc.memory.peakFirstHalfBytes)}, second half ${mib(doc.memory.peakSecondHalfBytes)}: ${doc.memory.bounded ? 'bounded' : 'GROWING'})`,
    );
  }
  if (doc.replayer?.error) {
    out.push('');
    out.push(`replayer FAILED: ${doc.replayer.error.split('\n').slice(0, 3).join(' / ')}`);
  } else if (doc.replayer) {
    const r = doc.replayer;
    out.push('');
    out.push(
      `DLQ replayer over ${fmt(r.data.sent)} dead letters (${fmt(r.data.oversized)} oversized of 64–96 KiB, ${mib(r.data.bytes)} of values), the command line end to end:`,
    );
    out.push('');
    out.push(
      table(
        ['command', 'records', 'seconds', 'records/s', 'client CPU µs/rec', 'peak RSS', 'broker CPU µs/rec'],
        [
          [
            'inspect (reads all, commits nothing)',
            r.inspect,
            `${(r.inspect.elapsedMs / 1000).toFixed(1)}${r.inspectTargetMet ? ' (target < 60 s: met)' : ' (target < 60 s: NOT met)'}`,
          ],
          ['replay (re-publishes all, transactions)', r.replay, (r.replay.elapsedMs / 1000).toFixed(1)],
        ].map(([label, m, seconds]) => [
          label,
          fmt(m.records),
          seconds,
          fmt(m.rps),
          fmt(m.cpuUsPerRecord, 1),
          mib(m.peakRssBytes),
          fmt(m.brokerUsPerRecord, 1),
        ]),
      ),
    );
  }
  if (doc.core) {
    const c = doc.core;
    out.push('');
    out.push(`Pure core, no Kafka (${fmt(c.records)} records, best of 5, µs per record):`);
    out.push('');
    out.push(
      table(
        ['stage', 'µs/record'],
        [
          ['processBatch (everything below, per record)', c.processBatchUsPerRecord],
          ['parseLoginEvent (UTF-8 decode, JSON.parse, ajv, time, IP)', c.parseAndValidateUsPerRecord],
          ['  of which JSON.parse', c.jsonParseOnlyUsPerRecord],
          ['eventIdFor (SHA-256 of coordinates)', c.eventIdSha256UsPerRecord],
          ['maskDeviceId (HMAC-SHA-256)', c.hmacDeviceIdUsPerValid],
          [`  memoised by device_id (hit rate ${c.hmacMemoHitRate})`, c.hmacMemoisedUsPerValid],
          ['maskAddress (truncate, address parsed by parseLoginEvent)', c.maskIpUsPerValid],
          ['enrich (one toISOString; processed_at once per batch)', c.enrichUsPerValid],
          [
            `JSON.stringify output (${c.avgOutputValueBytes} B vs ${c.avgInputValueBytes} B input)`,
            c.stringifyOutputUsPerValid,
          ],
          ['UTF-8 encode output', c.utf8EncodeOutputUsPerValid],
          ['primitive: one parseIpAddress (two per record: ajv format, normalisation)', c.ipParseUs],
          ['primitive: one formatIpAddress (one per record; two with hmac)', c.ipFormatUs],
          ['primitive: SHA-256 via createHash().update().digest()', c.sha256CreateHashUs],
          ['primitive: SHA-256 via crypto.hash() one-shot', c.sha256OneShotHashUs],
          ['primitive: new Date(ms).toISOString()', c.dateToIsoStringUs],
        ],
      ),
    );
  }
  if (doc.profiles) {
    const names = Object.keys(doc.profiles);
    const areas = [...new Set(names.flatMap((n) => doc.profiles[n].areas.map((a) => a.area)))];
    const cell = (n, a) => {
      const p = doc.profiles[n];
      const pc = p.areas.find((x) => x.area === a)?.percent;
      return pc == null ? '—' : `${pc}% ≈ ${fmt((pc / 100) * p.cpuUsPerRecord, 1)} µs`;
    };
    out.push('');
    out.push(
      `CPU profile of one drain each (self time, share of busy samples ≈ µs/record of ${names.map((n) => `${n} ${fmt(doc.profiles[n].cpuUsPerRecord, 1)} µs`).join(', ')}):`,
    );
    out.push('');
    out.push(
      table(
        ['area', ...names],
        areas.map((a) => [a, ...names.map((n) => cell(n, a))]),
      ),
    );
    for (const n of names) {
      out.push('');
      out.push(
        `hottest functions, ${n}: ${doc.profiles[n].hottest
          .slice(0, 8)
          .map((h) => `${h.function} ${h.percent}%`)
          .join('; ')}`,
      );
    }
  }
  if (doc.sweep?.length) {
    out.push('');
    out.push(
      table(
        ['processor tuning', 'records/s (median)', 'vs default', 'client CPU µs/rec', 'peak RSS', 'runs'],
        doc.sweep.map((s) => [
          s.label,
          fmt(s.rps),
          s.vsDefault ?? '—',
          fmt(s.cpuUsPerRecord, 1),
          mib(s.peakRssBytes),
          s.runs.map((x) => (x == null ? 'FAILED' : fmt(x))).join(', '),
        ]),
      ),
    );
  }
  for (const s of (doc.sweep ?? []).filter((x) => x.firstError)) {
    out.push('');
    out.push(
      `sweep "${s.label}" FAILED ${s.failures}×: ${s.firstError.split('\n').slice(0, 3).join(' / ').slice(0, 600)}`,
    );
  }
  out.push('');
  out.push(
    `naive runs on the first ${fmt(doc.config.naiveCount)} records only (it is slow); its figure is records/s over those.`,
  );
  out.push(
    "kafka-streams: the same job in Java (tools/bench/kafka-streams), one stream thread, commit.interval.ms=100, -Xmx512m; its CPU includes the JVM's JIT and GC threads.",
  );
  out.push(
    `broker ceiling = min(ConsumerPerformance fetch.nMsg.sec, ProducerPerformance records/sec, acks=all) on the same data and broker.`,
  );
  return out.join('\n');
}

const pct = (x) => `${Math.round((x ?? 0) * 100)}%`;

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Two panels: median throughput per variant (with each run as a dot), and latency percentiles per rate. */
export function renderSvg(doc) {
  const W = 1000;
  const H = 470;
  const parts = [];
  const text = (x, y, s, attrs = '') =>
    parts.push(`<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${esc(s)}</text>`);
  const rect = (x, y, w, h, fill) =>
    parts.push(
      `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(0, w).toFixed(1)}" height="${Math.max(0, h).toFixed(1)}" fill="${fill}"/>`,
    );
  const lineEl = (x1, y1, x2, y2, stroke = '#ccc') =>
    parts.push(
      `<line x1="${x1.toFixed(1)}" y1="${y1.toFixed(1)}" x2="${x2.toFixed(1)}" y2="${y2.toFixed(1)}" stroke="${stroke}"/>`,
    );
  const colors = [
    '#1f77b4',
    '#ff7f0e',
    '#2ca02c',
    '#d62728',
    '#9467bd',
    '#8c564b',
    '#e377c2',
    '#7f7f7f',
    '#bcbd22',
    '#17becf',
  ];

  // Panel 1: throughput, one horizontal bar per variant (labels on the left), each run as a dot.
  const p1 = { x: 270, y: 50, w: 280, h: 330 };
  text(10, 30, 'Throughput (records/s, median of the interleaved runs; dots = single runs)', 'font-weight="bold"');
  const vs = doc.throughput.variants.filter((v) => v.rps != null);
  const max1 = niceMax(Math.max(1, ...vs.flatMap((v) => [v.rps, ...v.runs.filter((r) => r != null)])));
  for (let i = 0; i <= 4; i++) {
    const x = p1.x + (i / 4) * p1.w;
    lineEl(x, p1.y, x, p1.y + p1.h, i === 0 ? '#333' : '#e5e5e5');
    text(
      x,
      p1.y + p1.h + 14,
      Math.round((max1 * i) / 4).toLocaleString('en-US'),
      'text-anchor="middle" font-size="10"',
    );
  }
  const rh = p1.h / Math.max(1, vs.length);
  vs.forEach((v, i) => {
    const y = p1.y + i * rh + rh * 0.15;
    const w = (v.rps / max1) * p1.w;
    rect(p1.x, y, w, rh * 0.7, colors[i % colors.length]);
    for (const r of v.runs) {
      if (r == null) continue;
      parts.push(
        `<circle cx="${(p1.x + (r / max1) * p1.w).toFixed(1)}" cy="${(y + rh * 0.35).toFixed(1)}" r="2.5" fill="#000" fill-opacity="0.55"/>`,
      );
    }
    text(p1.x - 6, y + rh * 0.35 + 4, v.label, 'text-anchor="end" font-size="11"');
    text(p1.x + w + 4, y + rh * 0.35 + 4, Math.round(v.rps).toLocaleString('en-US'), 'font-size="10"');
  });

  // Panel 2: latency percentiles, grouped by rate and variant.
  const p2 = { x: 680, y: 50, w: 300, h: 300 };
  text(p2.x - 40, 30, 'End-to-end latency (ms) at fixed rates', 'font-weight="bold"');
  const groups = doc.latency.flatMap((l) => l.variants.map((v) => ({ label: `${v.variant} @ ${l.rate}/s`, v })));
  const max2 = niceMax(Math.max(1, ...groups.flatMap((g) => [g.v.p99 ?? 0])));
  axis(p2, max2);
  const gw = p2.w / Math.max(1, groups.length);
  const pcColors = ['#9ecae1', '#4292c6', '#08519c'];
  groups.forEach((g, i) => {
    ['p50', 'p95', 'p99'].forEach((k, j) => {
      const val = g.v[k] ?? 0;
      const h = (val / max2) * p2.h;
      rect(p2.x + i * gw + gw * 0.1 + j * gw * 0.27, p2.y + p2.h - h, gw * 0.25, h, pcColors[j]);
    });
    const cx = p2.x + i * gw + gw * 0.5;
    text(
      cx,
      p2.y + p2.h + 14,
      g.label,
      `text-anchor="end" font-size="10" transform="rotate(-35 ${cx.toFixed(1)} ${(p2.y + p2.h + 14).toFixed(1)})"`,
    );
  });
  ['p50', 'p95', 'p99'].forEach((k, j) => {
    rect(p2.x + p2.w - 120 + j * 40, p2.y - 14, 10, 10, pcColors[j]);
    text(p2.x + p2.w - 106 + j * 40, p2.y - 5, k, 'font-size="10"');
  });
  text(
    10,
    H - 10,
    `${doc.run.id} · ${doc.machine.cores} cores · Kafka ${doc.versions.broker ?? '?'} · Node ${doc.versions.node} · kafkajs ${doc.versions.kafkajs} · ${doc.config.count} records`,
    'font-size="10" fill="#555"',
  );

  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">\n<rect width="100%" height="100%" fill="#fff"/>\n${parts.join('\n')}\n</svg>\n`;

  function axis(p, max) {
    for (let i = 0; i <= 4; i++) {
      const y = p.y + p.h - (i / 4) * p.h;
      lineEl(p.x, y, p.x + p.w, y, i === 0 ? '#333' : '#e5e5e5');
      text(p.x - 6, y + 4, Math.round((max * i) / 4).toLocaleString('en-US'), 'text-anchor="end" font-size="10"');
    }
  }
}

function niceMax(x) {
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

/** `NODE_OPTIONS=… MALLOC_ARENA_MAX=…`, or Node's defaults. */
function formatRuntime(env) {
  const entries = Object.entries(env ?? {});
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(' ') : "Node's defaults";
}
