import { DEVICE_TYPES, REASON_CODES } from '@login/event-schema';
import { Registry } from 'prom-client';
import { OTHER_LABEL } from './bounded-label';
import { createMetrics } from './metrics';
import { DEVICE_TYPE_LABELS, createProcessorMetrics } from './processor-metrics';
import type { EventLabels } from './processor-metrics';

async function valuesOf(registry: Registry, name: string) {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`${name} is not registered`);
  return (await metric.get()).values;
}

// prom-client sets metricName on histogram series but does not declare it in MetricValue.
const seriesName = (value: object): string => (value as { metricName?: string }).metricName ?? '';

/** Two android events, one without a device type and one of a type outside the bounded list. */
const MIXED_DEVICE_TYPES: readonly EventLabels[] = [
  { device_type: 'android', app_version: '2.3.0', locale: 'RU' },
  { device_type: 'android', app_version: '2.3.0', locale: 'RU' },
  { app_version: '2.3.0', locale: 'RU' },
  { device_type: 'toaster', app_version: '2.3.0', locale: 'RU' },
];

describe('createProcessorMetrics', () => {
  it("bounds device_type to the output's device types, `other` included (one list for both)", () => {
    expect(DEVICE_TYPE_LABELS).toBe(DEVICE_TYPES);
    expect(DEVICE_TYPE_LABELS).toEqual(['android', 'iOS', 'unknown', 'other']);
    expect(DEVICE_TYPE_LABELS).toContain(OTHER_LABEL);
  });

  let registry: Registry;
  beforeEach(() => {
    registry = new Registry();
  });

  it('registers exactly the docs/contracts.md "Metrics" names, and the exactly-once ones', async () => {
    createProcessorMetrics(registry);
    const names = (await registry.getMetricsAsJSON()).map((metric) => `${metric.name}:${metric.type}`).sort();
    expect(names).toEqual([
      'login_processor_batch_duration_seconds:histogram',
      'login_processor_consumer_lag:gauge',
      'login_processor_event_latency_seconds:histogram',
      'login_processor_events_total:counter',
      'login_processor_info:gauge',
      'login_processor_records_consumed_total:counter',
      'login_processor_records_dead_lettered_total:counter',
      'login_processor_records_processed_total:counter',
      'login_processor_transaction_duration_seconds:histogram',
      'login_processor_transactions_total:counter',
      'login_processor_untrusted_lineage_total:counter',
    ]);
  });

  it('counts untrusted lineage by one of three reasons, each from zero', async () => {
    const metrics = createProcessorMetrics(registry);
    metrics.countUntrustedLineage('bad-signature', 2);
    metrics.countUntrustedLineage('missing-signature');
    const values = await valuesOf(registry, 'login_processor_untrusted_lineage_total');
    expect(values.map((v) => [v.labels['reason'], v.value]).sort()).toEqual([
      ['bad-signature', 2],
      ['missing-signature', 1],
      ['unknown-key', 0],
    ]);
  });

  it('starts both transaction results at zero', async () => {
    createProcessorMetrics(registry);
    const values = await valuesOf(registry, 'login_processor_transactions_total');
    expect(values.map((v) => [v.labels['result'], v.value]).sort()).toEqual([
      ['aborted', 0],
      ['committed', 0],
    ]);
  });

  it('starts every reason code at zero', async () => {
    createProcessorMetrics(registry);
    const values = await valuesOf(registry, 'login_processor_records_dead_lettered_total');
    expect(values.map((v) => v.labels['reason']).sort()).toEqual([...REASON_CODES].sort());
    expect(values.every((v) => v.value === 0)).toBe(true);
  });

  it('counts dead-lettered records by reason', async () => {
    const metrics = createProcessorMetrics(registry);
    metrics.countDeadLettered('INVALID_JSON');
    metrics.countDeadLettered('INVALID_JSON', 2);
    const values = await valuesOf(registry, 'login_processor_records_dead_lettered_total');
    expect(values.find((v) => v.labels['reason'] === 'INVALID_JSON')?.value).toBe(3);
  });

  it('counts events with bounded labels', async () => {
    const metrics = createProcessorMetrics(registry);
    metrics.countEvents(MIXED_DEVICE_TYPES);
    const values = await valuesOf(registry, 'login_processor_events_total');
    expect(values.map((v) => [v.labels['device_type'], v.value])).toEqual([
      ['android', 2],
      ['unknown', 1],
      ['other', 1],
    ]);
  });

  it('countEvents of a whole batch gives the same series and values as one event at a time', async () => {
    const batch = [...MIXED_DEVICE_TYPES, { device_type: 'iOS', app_version: '1.0', locale: 'en-US' }];
    const one = createProcessorMetrics(registry);
    for (const event of batch) one.countEvents([event]);
    const expected = await valuesOf(registry, 'login_processor_events_total');
    const other = new Registry();
    createProcessorMetrics(other).countEvents(batch);
    expect(await valuesOf(other, 'login_processor_events_total')).toEqual(expected);
  });

  it('keeps app_version and locale to the first 8 distinct values: a few hundred series at most', async () => {
    const metrics = createProcessorMetrics(registry);
    const locale = (i: number) =>
      `x${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`;
    const types = ['android', 'iOS', 'unknown', 'tablet'];
    metrics.countEvents(
      Array.from({ length: 400 }, (_, i) => ({
        device_type: types[i % 4],
        app_version: `1.${i % 100}.0`,
        locale: locale(i % 97),
      })),
    );
    const values = await valuesOf(registry, 'login_processor_events_total');
    expect(new Set(values.map((v) => v.labels['app_version'])).size).toBe(9);
    expect(new Set(values.map((v) => v.labels['locale'])).size).toBe(9);
    expect(values.length).toBeLessThanOrEqual(4 * 9 * 9);
  });

  it('never makes a label of a value outside the schema shapes (an IP address, a control character)', async () => {
    const metrics = createProcessorMetrics(registry);
    metrics.countEvents([
      { device_type: '203.0.113.66', app_version: '203.0.113.66', locale: '203.0.113.66' },
      { device_type: 'andr\u0000oid', app_version: '2.3.0\n', locale: 'en-\udfff' },
      { device_type: 'android', app_version: '2001:db8::1', locale: 'fe80::1' },
    ]);
    const labels = (await valuesOf(registry, 'login_processor_events_total')).flatMap((v) => Object.values(v.labels));
    expect(new Set(labels)).toEqual(new Set(['other', 'android']));
  });

  it('observes latency in seconds with buckets from 1 ms to 7 days (late events land in a bucket, not +Inf), clamping negatives', async () => {
    const metrics = createProcessorMetrics(registry);
    metrics.observeLatencyMs(250);
    metrics.observeLatencyMs(-40);
    metrics.observeLatencyMs(5 * 3600 * 1000); // an event five hours late
    const values = await valuesOf(registry, 'login_processor_event_latency_seconds');
    const buckets = values.filter((v) => seriesName(v).endsWith('_bucket'));
    expect(buckets[0]?.labels['le']).toBe(0.001);
    expect(buckets.at(-2)?.labels['le']).toBe(604_800);
    expect(buckets.find((b) => b.labels['le'] === 21_600)?.value).toBe(3);
    expect(buckets.find((b) => b.labels['le'] === 10_800)?.value).toBe(2);
    expect(values.find((v) => seriesName(v).endsWith('_sum'))?.value).toBe(0.25 + 5 * 3600);
    expect(values.find((v) => seriesName(v).endsWith('_count'))?.value).toBe(3);
  });

  it('sets consumer lag per topic and partition', async () => {
    const metrics = createProcessorMetrics(registry);
    metrics.setConsumerLag('user-login', 3, 42);
    expect(await valuesOf(registry, 'login_processor_consumer_lag')).toEqual([
      { value: 42, labels: { topic: 'user-login', partition: '3' } },
    ]);
  });

  it('lives next to the default process metrics in one registry', async () => {
    const { registry: shared } = createMetrics();
    createProcessorMetrics(shared);
    const text = await shared.metrics();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('login_processor_records_consumed_total 0');
  });

  it('refuses to be registered twice on one registry (a wiring bug)', () => {
    createProcessorMetrics(registry);
    expect(() => createProcessorMetrics(registry)).toThrow(/already been registered/);
  });
});
