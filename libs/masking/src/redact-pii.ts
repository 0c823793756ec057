import { PII_RULES, REDACTED } from './pii-rules';
import type { MaskingRule } from './types';

/** Deeper structures are cut rather than walked: log metadata that deep is a bug, and recursion must stay bounded. */
export const MAX_REDACTION_DEPTH = 32;
export const CIRCULAR = '[Circular]';
export const TRUNCATED = '[Truncated]';

/**
 * Field names compare without case and separators, so `deviceId`, `DEVICE_ID` and `device-id` are caught too:
 * log metadata is written by hand and spelled freely.
 */
function normaliseFieldName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const defaultFields = fieldSet(PII_RULES);

function fieldSet(rules: readonly MaskingRule[]): ReadonlySet<string> {
  return new Set(rules.map((rule) => normaliseFieldName(rule.field)));
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // `target[key] = …` with key `__proto__` would replace the prototype instead of copying the field.
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

function copy(value: unknown, fields: ReadonlySet<string>, ancestors: Set<object>, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  // Buffers, Dates, Errors, Maps and other class instances are left as they are: only data is walked.
  if (!Array.isArray(value) && !isPlainObject(value)) return value;
  if (ancestors.has(value)) return CIRCULAR;
  if (depth >= MAX_REDACTION_DEPTH) return TRUNCATED;
  ancestors.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => copy(item, fields, ancestors, depth + 1));
    const result: Record<string, unknown> = Object.getPrototypeOf(value) === null ? Object.create(null) : {};
    for (const key of Object.keys(value)) {
      const redacted = fields.has(normaliseFieldName(key));
      setOwn(result, key, redacted ? REDACTED : copy(value[key], fields, ancestors, depth + 1));
    }
    return result;
  } finally {
    ancestors.delete(value);
  }
}

/**
 * A deep copy of log metadata in which every field named by a rule, at any depth, is `[REDACTED]`. Never throws:
 * when the metadata cannot be walked (a throwing getter, a hostile Proxy) the whole value is redacted, failing closed.
 */
export function redactPii(meta: unknown, rules: readonly MaskingRule[] = PII_RULES): unknown {
  try {
    const fields = rules === PII_RULES ? defaultFields : fieldSet(rules);
    return copy(meta, fields, new Set(), 0);
  } catch {
    return REDACTED;
  }
}
