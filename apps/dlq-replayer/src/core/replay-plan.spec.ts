import { DEFAULT_PLAN_OPTIONS, dlqRecord } from '../testing/dlq-fixtures';
import { DLQ_HEADERS as H, REPLAYER_HEADERS } from '@login/event-schema';
import { batchBytes, planRecord, type PlanOptions } from './replay-plan';

const options: PlanOptions = DEFAULT_PLAN_OPTIONS;
const lineageKey = { id: 'l1', secret: Buffer.from('replayer-unit-test-lineage-key-0123456789') };
const run = { runId: 'run-1', nowMs: 1_800_000_000_000, lineageKey };
const roomy = { targetMaxBytes: 1_048_588, parkedMaxBytes: 2_097_152 };
const header = (h: unknown) => (Buffer.isBuffer(h) ? h.toString() : undefined);

describe('planRecord (decision, size guard and the record to write)', () => {
  it('replays a record that fits the input topic, byte-identical value, with its lineage', () => {
    const record = dlqRecord({}, { value: Buffer.alloc(1000, 7) });
    const planned = planRecord(record, options, roomy, run);
    expect(planned.decision).toEqual({ action: 'replay', reason: 'SELECTED', target: 'user-login' });
    expect(planned.outgoing).toMatchObject({ topic: 'user-login', key: record.key, value: record.value });
    expect(header(planned.outgoing?.headers?.[H.replayCount])).toBe('1');
  });

  it('parks a record whose replay would exceed the input topic limit (the lineage headers count), with the reason', () => {
    const record = dlqRecord({}, { value: Buffer.alloc(10_000) });
    const replayed = planRecord(record, options, roomy, run).outgoing;
    if (replayed === undefined) throw new Error('expected a replay');
    const limit = batchBytes(replayed) - 1;

    const planned = planRecord(record, options, { targetMaxBytes: limit, parkedMaxBytes: 2_097_152 }, run);

    expect(planned.decision).toMatchObject({
      action: 'park',
      reason: 'TOO_LARGE_FOR_TARGET',
      detail: expect.stringContaining(`> ${limit}`),
    });
    expect(planned.outgoing?.topic).toBe('user-login-dlq-parked');
    expect(planned.outgoing?.value).toBe(record.value);
    expect(header(planned.outgoing?.headers?.[REPLAYER_HEADERS.parkedReason])).toBe('TOO_LARGE_FOR_TARGET');
    // A limit the record meets exactly is fine.
    expect(
      planRecord(record, options, { targetMaxBytes: limit + 1, parkedMaxBytes: 2_097_152 }, run).decision.action,
    ).toBe('replay');
  });

  it('parks by the loop guard with that reason', () => {
    const planned = planRecord(dlqRecord({ [H.replayCount]: '3' }), options, roomy, run);
    expect(planned.decision).toMatchObject({ action: 'park', reason: 'MAX_REPLAYS_REACHED' });
    expect(header(planned.outgoing?.headers?.[REPLAYER_HEADERS.parkedReason])).toBe('MAX_REPLAYS_REACHED');
  });

  it('skips, leaving it in the DLQ, a record too large even for the parked topic', () => {
    const planned = planRecord(
      dlqRecord({}, { value: Buffer.alloc(5000) }),
      options,
      { targetMaxBytes: 1000, parkedMaxBytes: 2000 },
      run,
    );
    expect(planned.decision).toMatchObject({ action: 'skip', reason: 'TOO_LARGE_TO_PARK' });
    expect(planned.outgoing).toBeUndefined();
  });

  it('writes nothing for a skipped record', () => {
    const planned = planRecord(dlqRecord({ [H.retryable]: 'false' }), options, roomy, run);
    expect(planned).toMatchObject({ decision: { action: 'skip', reason: 'NON_RETRYABLE' } });
    expect(planned.outgoing).toBeUndefined();
  });
});
