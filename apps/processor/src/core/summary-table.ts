// The periodic summary as a person reads it (LOG_FORMAT=pretty): a few aligned lines instead of a JSON object.
import type { SummarySnapshot } from './periodic-summary';

const number = new Intl.NumberFormat('en-US');
const rate = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

function top(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return entries.length === 0 ? '—' : entries.map(([value, n]) => `${value} ${number.format(n)}`).join(' · ');
}

/** The snapshot as aligned lines: totals with rates and lag first, then the top values and dead letters by reason. */
export function renderSummaryTable(s: SummarySnapshot): string {
  const lag = Object.entries(s.consumerLag)
    .sort((a, b) => Number(a[0]) - Number(b[0]))
    .map(([partition, n]) => `p${partition} ${number.format(n)}`)
    .join(' · ');
  const rows: Array<[string, string]> = [
    [
      'records',
      `consumed ${number.format(s.consumed)} (${rate.format(s.rates.consumedPerSec)}/s) · processed ${number.format(s.processed)} ` +
        `(${rate.format(s.rates.processedPerSec)}/s) · dead-lettered ${number.format(s.deadLettered)} (${rate.format(s.rates.deadLetteredPerSec)}/s)`,
    ],
    ['lag', `${number.format(s.totalLag)}${lag ? ` (${lag})` : ''}`],
    ['device types', top(s.topDeviceTypes)],
    ['app versions', top(s.topAppVersions)],
    ['locales', top(s.topLocales)],
    ['dead letters', top(s.deadLetteredByReason)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n');
}

/** Nothing consumed since the previous summary and nothing waiting: a summary would only repeat itself. */
export function isIdle(s: SummarySnapshot): boolean {
  return s.rates.consumedPerSec === 0 && s.totalLag === 0;
}
