import { createGeneratorMetrics } from './generator-metrics';

describe('generator metrics', () => {
  it('exports login_generator_* counters and gauges on a registry of its own', async () => {
    const m = createGeneratorMetrics({ targetRate: 1000, kinds: ['valid', 'bad-ip'], defaultMetrics: false });
    m.produced('valid', 90);
    m.produced('bad-ip', 10);
    m.batch();
    m.batch();
    m.sendError(50);
    m.setRate(987.5);
    const text = await m.registry.metrics();
    expect(text).toContain('login_generator_events_produced_total{kind="valid"} 90');
    expect(text).toContain('login_generator_events_produced_total{kind="bad-ip"} 10');
    expect(text).toContain('login_generator_send_errors_total 1');
    expect(text).toContain('login_generator_events_failed_total 50');
    expect(text).toContain('login_generator_batches_total 2');
    expect(text).toContain('login_generator_rate_events_per_second 987.5');
    expect(text).toContain('login_generator_target_rate_events_per_second 1000');
  });

  it('starts the series of every kind the run can produce at 0', async () => {
    const m = createGeneratorMetrics({ targetRate: 0, kinds: ['valid', 'tombstone'], defaultMetrics: false });
    expect(await m.registry.metrics()).toContain('login_generator_events_produced_total{kind="tombstone"} 0');
  });
});
