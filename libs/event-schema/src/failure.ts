import { DLQ_MESSAGE_MAX_BYTES } from './dead-letter/headers';
import { INPUT_SCHEMA_ID } from './input-schema';
import { OUTPUT_SCHEMA_ID } from './output-schema';
import { reasonInfo } from './reasons';
import type { ParseFailure, ReasonCode, Stage, ValidationIssue } from './types';

const ERROR_NAME = /^[A-Za-z_$][\w$.]{0,63}$/;

/** The error's class name when it looks like one; custom errors could put anything in `name`. */
export function errorClassOf(error: unknown, fallback: string): string {
  if (error instanceof Error && typeof error.name === 'string' && ERROR_NAME.test(error.name)) return error.name;
  return fallback;
}

/** Cuts a message to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function truncateUtf8(message: string, maxBytes: number = DLQ_MESSAGE_MAX_BYTES): string {
  if (message.length <= maxBytes / 3 || Buffer.byteLength(message, 'utf8') <= maxBytes) return message;
  const ellipsis = '…';
  const budget = maxBytes - Buffer.byteLength(ellipsis, 'utf8');
  let used = 0;
  let end = 0;
  for (const char of message) {
    const size = Buffer.byteLength(char, 'utf8');
    if (used + size > budget) break;
    used += size;
    end += char.length;
  }
  return message.slice(0, end) + ellipsis;
}

export interface FailureDetails {
  retryable?: boolean;
  exceptionClass?: string;
  /** Must already be free of input bytes. */
  message?: string;
  validation?: ValidationIssue[];
}

// ENRICH failures concern the record the processor builds, which the output schema defines.
function schemaIdFor(stage: Stage): string {
  return stage === 'ENRICH' ? OUTPUT_SCHEMA_ID : INPUT_SCHEMA_ID;
}

export function buildFailure(stage: Stage, reason: ReasonCode, details: FailureDetails = {}): ParseFailure {
  const info = reasonInfo(reason);
  const result: ParseFailure = {
    stage,
    reason,
    retryable: details.retryable ?? false,
    exceptionClass: details.exceptionClass ?? info.exceptionClass,
    message: truncateUtf8(details.message ?? info.message),
    schemaId: schemaIdFor(stage),
  };
  if (details.validation !== undefined) result.validation = details.validation;
  return result;
}

/**
 * A sanitised failure for a caught error (MASK, ENRICH). The error's message is withheld: it may quote the
 * value being processed. Only its class name is kept.
 */
export function failure(stage: Stage, reason: ReasonCode, error?: unknown): ParseFailure {
  const info = reasonInfo(reason);
  const exceptionClass = error === undefined ? info.exceptionClass : errorClassOf(error, 'Error');
  const message =
    error === undefined
      ? info.message
      : `${info.message}: ${exceptionClass} at stage ${stage} (error message withheld, it may contain input)`;
  return buildFailure(stage, reason, { exceptionClass, message });
}
