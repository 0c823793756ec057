// Public types of the login-event contracts (docs/contracts.md).
import type { IpAddress } from './ip-address';
import type { DeviceType } from './field-schemas';

export type Stage = 'DESERIALIZE' | 'VALIDATE' | 'MASK' | 'ENRICH';

export type ReasonCode =
  | 'EMPTY_VALUE'
  | 'VALUE_TOO_LARGE'
  | 'KEY_TOO_LARGE'
  | 'HEADERS_TOO_LARGE'
  | 'INVALID_ENCODING'
  | 'INVALID_JSON'
  | 'NOT_AN_OBJECT'
  | 'SCHEMA_VIOLATION'
  | 'TIMESTAMP_OUT_OF_RANGE'
  | 'MASKING_FAILED'
  | 'ENRICH_FAILED'
  | 'INTERNAL_ERROR'
  | 'BATCH_TOO_LARGE';

/** The input record's value as the upstream login service emits it (before normalisation). */
export interface RawLoginEvent {
  user_id: string;
  app_version: string;
  device_type?: string;
  ip: string;
  locale: string;
  device_id: string;
  timestamp: number | string;
}

/** The normalised input event: only known fields, ip canonical, time in epoch milliseconds. */
export interface LoginEvent {
  user_id: string;
  app_version: string;
  device_type?: string;
  ip: string;
  ip_version: 4 | 6;
  /**
   * `ip` as parsed, so the masker needs no parse of its own. Not enumerable: the event's keys and JSON are the
   * fields above, and the raw address's bytes never reach a spread, a log line or an output (`withAddress`).
   */
  readonly address: IpAddress;
  locale: string;
  device_id: string;
  event_time_ms: number;
}

/** The output record's value (docs/contracts.md "Output event"). */
export interface ProcessedLoginEvent {
  event_id: string;
  user_id: string;
  app_version: string;
  /** From a fixed list (`DEVICE_TYPES`), never the input value as received. */
  device_type: DeviceType;
  locale: string;
  device_id: string;
  ip: string;
  ip_version: 4 | 6;
  event_time: string;
  processed_at: string;
  latency_ms: number;
  schema_version: string;
}

export interface ValidationIssue {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
}

export interface ParseFailure {
  stage: Stage;
  reason: ReasonCode;
  retryable: boolean;
  exceptionClass: string;
  message: string;
  validation?: ValidationIssue[];
  schemaId: string;
}

export interface ParseOptions {
  maxValueBytes: number;
  maxClockSkewMs: number;
  nowMs: number;
}

export type ParseResult = { ok: true; event: LoginEvent } | { ok: false; failure: ParseFailure };

export type ValidationResult = { ok: true } | { ok: false; issues: ValidationIssue[] };
