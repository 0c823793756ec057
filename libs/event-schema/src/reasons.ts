import type { ReasonCode, Stage } from './types';

interface ReasonInfo {
  readonly stage: Stage;
  readonly exceptionClass: string;
  /** Fixed text: failure messages never carry input bytes, so they come from this table. */
  readonly message: string;
}

// A Record keyed by the union makes the compiler reject a reason code without an entry.
const REASON_INFO: Readonly<Record<ReasonCode, ReasonInfo>> = Object.freeze({
  EMPTY_VALUE: { stage: 'DESERIALIZE', exceptionClass: 'EmptyValue', message: 'record value is empty or a tombstone' },
  VALUE_TOO_LARGE: {
    stage: 'DESERIALIZE',
    exceptionClass: 'ValueTooLarge',
    message: 'record value is larger than the configured limit',
  },
  KEY_TOO_LARGE: {
    stage: 'DESERIALIZE',
    exceptionClass: 'KeyTooLarge',
    message: 'record key is larger than the configured limit',
  },
  HEADERS_TOO_LARGE: {
    stage: 'DESERIALIZE',
    exceptionClass: 'HeadersTooLarge',
    message: 'record headers exceed the configured count or size limit',
  },
  INVALID_ENCODING: { stage: 'DESERIALIZE', exceptionClass: 'TypeError', message: 'record value is not valid UTF-8' },
  INVALID_JSON: { stage: 'DESERIALIZE', exceptionClass: 'SyntaxError', message: 'record value is not valid JSON' },
  NOT_AN_OBJECT: { stage: 'DESERIALIZE', exceptionClass: 'TypeError', message: 'record value is not a JSON object' },
  SCHEMA_VIOLATION: {
    stage: 'VALIDATE',
    exceptionClass: 'SchemaViolation',
    message: 'event does not match the input schema',
  },
  TIMESTAMP_OUT_OF_RANGE: {
    stage: 'VALIDATE',
    exceptionClass: 'RangeError',
    message: 'event time is out of the accepted range',
  },
  MASKING_FAILED: { stage: 'MASK', exceptionClass: 'Error', message: 'masking failed' },
  ENRICH_FAILED: { stage: 'ENRICH', exceptionClass: 'Error', message: 'enrichment failed' },
  // A throw the stages above did not anticipate (a bug): the record is dead-lettered at the stage it was in, so
  // one record cannot block its partition. Its stage is the one it failed in, not this entry's.
  INTERNAL_ERROR: {
    stage: 'DESERIALIZE',
    exceptionClass: 'Error',
    message: 'unexpected error while processing the record',
  },
  BATCH_TOO_LARGE: {
    stage: 'DESERIALIZE',
    exceptionClass: 'BatchTooLarge',
    message:
      'a compressed record batch decompresses past MAX_DECOMPRESSED_BATCH_BYTES: this reference dead letter stands for all of its records',
  },
});

const STAGE_SET: Readonly<Record<Stage, true>> = { DESERIALIZE: true, VALIDATE: true, MASK: true, ENRICH: true };

export const REASON_CODES: readonly ReasonCode[] = Object.freeze(Object.keys(REASON_INFO) as ReasonCode[]);

export const STAGES: readonly Stage[] = Object.freeze(Object.keys(STAGE_SET) as Stage[]);

export function reasonInfo(reason: ReasonCode): ReasonInfo {
  return REASON_INFO[reason];
}

export function isReasonCode(value: unknown): value is ReasonCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(REASON_INFO, value);
}

export function isStage(value: unknown): value is Stage {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(STAGE_SET, value);
}
