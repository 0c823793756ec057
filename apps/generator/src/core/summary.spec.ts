import { renderProgressBar, renderProgressLine } from './progress-format';
import { createRateMeter, createRunStats, tally } from './stats';
import { buildSummary, formatSummary } from './summary';

describe('run summary', () => {
  const stats = createRunStats();
  stats.generated(6);
  stats.acknowledged(
    tally([
      { key: 'a', value: Buffer.from('{}'), kind: 'valid', expectedReason: null },
      { key: 'a', value: null, kind: 'tombstone', expectedReason: 'EMPTY_VALUE' },
      { key: 'a', value: Buffer.alloc(0), kind: 'empty', expectedReason: 'EMPTY_VALUE' },
      { key: 'a', value: Buffer.from('x'), kind: 'not-json', expectedReason: 'INVALID_JSON' },
    ]),
  );
  stats.failed(
    tally([{ key: 'b', value: Buffer.from('{}'), kind: 'valid', expectedReason: null }]),
    new Error('timeout'),
  );

  const summary = buildSummary(stats.totals, {
    seed: 7,
    topic: 't',
    dryRun: false,
    stoppedBy: 'count',
    targetRate: 1000,
    durationMs: 2000,
  });

  it('reports the mix per kind and per expected reason', () => {
    expect(summary).toMatchObject({
      produced: 4,
      failed: 1,
      sendErrors: 1,
      valid: 1,
      invalid: 3,
      invalidShare: 0.75,
      invalidByKind: {
        empty: { count: 1, reason: 'EMPTY_VALUE' },
        'not-json': { count: 1, reason: 'INVALID_JSON' },
        tombstone: { count: 1, reason: 'EMPTY_VALUE' },
      },
      invalidByReason: { EMPTY_VALUE: 2, INVALID_JSON: 1 },
      eventsPerSecond: 2,
      rateAccuracy: 0.002,
      lastError: 'Error: timeout',
    });
    const text = formatSummary(summary);
    expect(text).toContain('tombstone');
    expect(text).toContain('EMPTY_VALUE');
    expect(text).toContain('FAILED');
  });

  it('renders a progress bar that fits the terminal, and a log line', () => {
    const state = {
      elapsedMs: 5000,
      produced: 2500,
      invalid: 250,
      failed: 0,
      sendErrors: 0,
      inFlight: 1,
      rate: 500,
      targetRate: 500,
      count: 10_000,
    };
    const bar = renderProgressBar(state, 130);
    expect(bar).toMatch(/^\[█{8}░{22}\] {2}25% {2}500\/s/);
    expect(bar.length).toBeLessThanOrEqual(130);
    expect(renderProgressBar(state, 80)).toMatch(/^ 25% {2}500\/s/);
    expect(renderProgressBar(state, 40).length).toBeLessThanOrEqual(40);
    expect(renderProgressLine(state)).toBe(
      'progress 25%: 500/s (target 500)  sent 2,500/10,000  invalid 10.0%  errors 0  0:05',
    );
    expect(renderProgressBar({ ...state, count: undefined } as never, 120)).not.toContain('[');
  });

  it('measures the recent rate over a sliding window', () => {
    const meter = createRateMeter(1000);
    for (let t = 0; t <= 5000; t += 250) meter.sample(t, t < 3000 ? t * 2 : 6000 + (t - 3000) * 10);
    expect(meter.rate()).toBeCloseTo(10_000, -2);
  });
});
