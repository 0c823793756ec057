import { DLQ_ERROR_HEADER_PREFIX, DLQ_HEADERS, DLQ_OMITTED_PARTS, REPLAYER_HEADERS } from './dead-letter/headers';
import { DEFAULT_RECORD_LIMITS } from './record-limits';
import { REASON_CODES, STAGES, isReasonCode, isStage } from './reasons';
import { DEFAULT_PARSE_LIMITS } from './parse-login-event';
import { DEFAULT_TOPICS } from './topics';

// These values are read by dashboards, alerts and other teams' consumers (docs/contracts.md "Dead letter record"): pinned literally.
describe('contract constants', () => {
  it('reason codes', () => {
    expect(REASON_CODES).toEqual([
      'EMPTY_VALUE',
      'VALUE_TOO_LARGE',
      'KEY_TOO_LARGE',
      'HEADERS_TOO_LARGE',
      'INVALID_ENCODING',
      'INVALID_JSON',
      'NOT_AN_OBJECT',
      'SCHEMA_VIOLATION',
      'TIMESTAMP_OUT_OF_RANGE',
      'MASKING_FAILED',
      'ENRICH_FAILED',
      'INTERNAL_ERROR',
      'BATCH_TOO_LARGE',
    ]);
    expect(Object.isFrozen(REASON_CODES)).toBe(true);
  });

  it('stages', () => {
    expect(STAGES).toEqual(['DESERIALIZE', 'VALIDATE', 'MASK', 'ENRICH']);
  });

  it.each([
    [isReasonCode, 'EMPTY_VALUE', true],
    [isReasonCode, 'toString', false],
    [isReasonCode, 1, false],
    [isStage, 'MASK', true],
    [isStage, 'hasOwnProperty', false],
  ])('guard %p(%p) is %p', (guard, value, expected) => {
    expect(guard(value)).toBe(expected);
  });

  it('DLQ header names', () => {
    expect(DLQ_HEADERS).toEqual({
      topic: '__dlq.errors.topic',
      partition: '__dlq.errors.partition',
      offset: '__dlq.errors.offset',
      group: '__dlq.errors.group',
      originalTimestamp: '__dlq.errors.original.timestamp',
      failedAt: '__dlq.errors.failed.at',
      stage: '__dlq.errors.stage',
      reason: '__dlq.errors.reason',
      retryable: '__dlq.errors.retryable',
      exceptionClass: '__dlq.errors.exception.class',
      message: '__dlq.errors.message',
      validation: '__dlq.errors.validation',
      schemaId: '__dlq.errors.schema.id',
      processor: '__dlq.errors.processor',
      eventId: '__dlq.errors.event.id',
      replayCount: '__dlq.errors.replay.count',
      firstFailedAt: '__dlq.errors.first.failed.at',
      omitted: '__dlq.errors.omitted',
      originalKeyBytes: '__dlq.errors.original.key.bytes',
      originalValueBytes: '__dlq.errors.original.value.bytes',
      originalHeaderCount: '__dlq.errors.original.header.count',
      originalHeaderBytes: '__dlq.errors.original.header.bytes',
      batchFirstOffset: '__dlq.errors.batch.first.offset',
      batchRecords: '__dlq.errors.batch.records',
      batchCompressedBytes: '__dlq.errors.batch.compressed.bytes',
      replayId: '__dlq.replay.id',
      replayAt: '__dlq.replay.at',
      lineageSignature: '__dlq.replay.sig',
      lineageKeyId: '__dlq.replay.key.id',
    });
    expect(Object.isFrozen(DLQ_HEADERS)).toBe(true);
    const errorHeaders = Object.values(DLQ_HEADERS).filter((name) => !name.startsWith('__dlq.replay.'));
    for (const name of errorHeaders) expect(name.startsWith(DLQ_ERROR_HEADER_PREFIX)).toBe(true);
  });

  // docs/contracts.md "Parked records": what the replayer adds to a record it parks.
  it('replayer header names', () => {
    expect(REPLAYER_HEADERS).toEqual({
      replayPrefix: '__dlq.replay.',
      parkedAt: '__dlq.parked.at',
      parkedRunId: '__dlq.parked.run.id',
      parkedReason: '__dlq.parked.reason',
    });
    expect(Object.isFrozen(REPLAYER_HEADERS)).toBe(true);
  });

  it('parts a dead letter may omit', () => {
    expect(DLQ_OMITTED_PARTS).toEqual(['key', 'value', 'headers']);
  });

  it('default record limits', () => {
    expect(DEFAULT_RECORD_LIMITS).toEqual({ maxKeyBytes: 1024, maxHeaderCount: 64, maxHeaderBytes: 16384 });
  });

  it('default parse limits', () => {
    expect(DEFAULT_PARSE_LIMITS).toEqual({ maxValueBytes: 65536, maxClockSkewMs: 300000 });
  });

  // docs/contracts.md#topics: renaming one breaks every deployment.
  it('default topic names', () => {
    expect(DEFAULT_TOPICS).toEqual({
      input: 'user-login',
      output: 'processed-user-login',
      dlq: 'user-login-dlq',
      parked: 'user-login-dlq-parked',
    });
    expect(Object.isFrozen(DEFAULT_TOPICS)).toBe(true);
  });
});
