import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** The generator's metrics (DESIGN §7: `login_generator_*`), on their own registry. */
export interface GeneratorMetrics {
  readonly registry: Registry;
  produced(kind: string, n: number): void;
  sendError(records: number): void;
  batch(): void;
  setRate(eventsPerSecond: number): void;
}

export function createGeneratorMetrics(options: { targetRate: number; defaultMetrics?: boolean }): GeneratorMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const produced = new Counter({
    name: 'login_generator_events_produced_total',
    help: 'Records acknowledged by the broker, by kind: "valid" or the malformed kind.',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const sendErrors = new Counter({
    name: 'login_generator_send_errors_total',
    help: 'Batches whose send failed (after the client retries).',
    registers: [registry],
  });
  const failed = new Counter({
    name: 'login_generator_events_failed_total',
    help: 'Records in batches whose send failed.',
    registers: [registry],
  });
  const batches = new Counter({
    name: 'login_generator_batches_total',
    help: 'Batches sent (acknowledged or failed).',
    registers: [registry],
  });
  const rate = new Gauge({
    name: 'login_generator_rate_events_per_second',
    help: 'Records acknowledged per second over the last seconds.',
    registers: [registry],
  });
  const target = new Gauge({
    name: 'login_generator_target_rate_events_per_second',
    help: 'The configured rate (0 = unthrottled).',
    registers: [registry],
  });
  target.set(options.targetRate);
  return {
    registry,
    produced: (kind, n) => produced.inc({ kind }, n),
    sendError: (records) => {
      sendErrors.inc();
      failed.inc(records);
    },
    batch: () => batches.inc(),
    setRate: (r) => rate.set(r),
  };
}
