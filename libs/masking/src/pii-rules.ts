import type { MaskingRule } from './types';

/** What is PII in a login event and how it is masked: the one place that decides it (DESIGN.md §3). */
export const PII_RULES: readonly MaskingRule[] = Object.freeze([
  Object.freeze({ field: 'device_id', strategy: 'pseudonymise' }),
  Object.freeze({ field: 'ip', strategy: 'ip' }),
] as const);

/** What `redactPii` puts in place of a PII value in log metadata. */
export const REDACTED = '[REDACTED]';

/** What the `redact` IP strategy emits. */
export const REDACTED_IP = 'redacted';
