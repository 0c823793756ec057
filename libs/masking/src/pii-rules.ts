import type { MaskingRule } from './types';

/**
 * What is PII in a login event and how it is masked: the one place that decides it (docs/contracts.md "Output event"). The masker masks
 * exactly these fields (`Masker.maskEvent`) and log redaction hides exactly these names (`redactPii`).
 */
export const PII_RULES = Object.freeze([
  Object.freeze({ field: 'device_id', strategy: 'pseudonymise' }),
  Object.freeze({ field: 'ip', strategy: 'ip' }),
] as const) satisfies readonly MaskingRule[];

/** The fields `PII_RULES` names. */
export type PiiField = (typeof PII_RULES)[number]['field'];

/** What `redactPii` puts in place of a PII value in log metadata. */
export const REDACTED = '[REDACTED]';

/** What the `redact` IP strategy emits. */
export const REDACTED_IP = 'redacted';
