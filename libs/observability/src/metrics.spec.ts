import { Registry } from 'prom-client';
import { createMetrics, registerMetrics } from './metrics';

describe('createMetrics', () => {
  it('registers the default Node process metrics, unprefixed, on its own registry', async () => {
    const { registry } = createMetrics();
    const text = await registry.metrics();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_heap_size_total_bytes');
  });

  it('can leave the default metrics out', async () => {
    const { registry } = createMetrics({ registry: new Registry(), defaultMetrics: false });
    expect(await registry.metrics()).toBe('\n');
  });

  it('defines counters, gauges and histograms on that registry', async () => {
    const metrics = createMetrics({ registry: new Registry(), defaultMetrics: false });
    metrics
      .counter({ name: 'login_generator_events_total', help: 'h', labelNames: ['kind'] as const })
      .inc({ kind: 'a' }, 2);
    metrics.gauge({ name: 'g', help: 'h' }).set(5);
    metrics.histogram({ name: 'h_seconds', help: 'h', buckets: [1] }).observe(0.5);
    const text = await metrics.registry.metrics();
    expect(text).toContain('login_generator_events_total{kind="a"} 2');
    expect(text).toContain('g 5');
    expect(text).toContain('h_seconds_bucket{le="1"} 1');
  });

  it('gives each call its own registry, so two apps or tests never collide', () => {
    expect(createMetrics({ defaultMetrics: false }).registry).not.toBe(
      createMetrics({ defaultMetrics: false }).registry,
    );
    expect(() => {
      createMetrics();
      createMetrics();
    }).not.toThrow();
  });
});

describe('build info', () => {
  it('exports login_pipeline_build_info{app,version} 1 when the build is named', async () => {
    const { registry } = createMetrics({ defaultMetrics: false, build: { app: 'processor', version: '1.2.3' } });
    const [metric] = await registry.getMetricsAsJSON();
    expect(metric).toMatchObject({
      name: 'login_pipeline_build_info',
      type: 'gauge',
      values: [{ labels: { app: 'processor', version: '1.2.3' }, value: 1 }],
    });
  });
});

describe('registerMetrics', () => {
  it('registers every metric of a table, by its type, name, help and labels', async () => {
    const metrics = createMetrics({ registry: new Registry(), defaultMetrics: false });
    const table = {
      sent: { type: 'counter', name: 'login_test_sent_total', help: 'Sent.', labelNames: ['kind'] },
      level: { type: 'gauge', name: 'login_test_level', help: 'Level.' },
    } as const;
    const { sent, level } = registerMetrics(metrics, table);
    sent.inc({ kind: 'a' }, 3);
    level.set(7);
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      '# HELP login_test_sent_total Sent.\n# TYPE login_test_sent_total counter\nlogin_test_sent_total{kind="a"} 3',
    );
    expect(text).toContain('# TYPE login_test_level gauge\nlogin_test_level 7');
  });
});
