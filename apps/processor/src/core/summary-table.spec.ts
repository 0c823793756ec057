import { PeriodicSummary } from './periodic-summary';
import { isIdle, renderSummaryTable } from './summary-table';

describe('the periodic summary as a table', () => {
  it('shows totals with rates, the lag per partition, top values and dead letters by reason, aligned', () => {
    const summary = new PeriodicSummary(0);
    summary.record([
      { kind: 'processed', event: { device_type: 'android', app_version: '2.3.0', locale: 'RU' } as never },
      { kind: 'processed', event: { device_type: 'android', app_version: '2.4.0', locale: 'RU' } as never },
      { kind: 'dead-lettered', reason: 'INVALID_JSON', stage: 'DESERIALIZE' },
    ]);
    const table = renderSummaryTable(
      summary.snapshot(
        2000,
        new Map([
          ['0', 5],
          ['1', 1200],
        ]),
      ),
    );
    expect(table.split('\n')).toEqual([
      '  records       consumed 3 (1.5/s) · processed 2 (1.0/s) · dead-lettered 1 (0.5/s)',
      '  lag           1,205 (p0 5 · p1 1,200)',
      '  device types  android 2',
      '  app versions  2.3.0 1 · 2.4.0 1',
      '  locales       RU 2',
      '  dead letters  INVALID_JSON 1',
    ]);
  });

  it('calls a summary idle when nothing was consumed since the last one and nothing waits', () => {
    const summary = new PeriodicSummary(0);
    expect(isIdle(summary.snapshot(1000, new Map([['0', 0]])))).toBe(true);
    expect(isIdle(summary.snapshot(2000, new Map([['0', 3]])))).toBe(false);
    summary.record([{ kind: 'dead-lettered', reason: 'INVALID_JSON', stage: 'DESERIALIZE' }]);
    expect(isIdle(summary.snapshot(3000, new Map([['0', 0]])))).toBe(false);
  });
});
