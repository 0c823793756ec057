import { PII_FIELD_ALIASES, PII_RULES, REDACTED } from './pii-rules';
import type { PiiField } from './pii-rules';
import { redactIpLiterals } from './redact-addresses';
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

/** What one set of rules redacts: field names (normalised, with their aliases), and whether addresses in texts. */
interface Policy {
  readonly fields: ReadonlySet<string>;
  readonly text: (value: string) => string;
}

const keepText = (value: string): string => value;

function policyOf(rules: readonly MaskingRule[]): Policy {
  const fields = new Set<string>();
  for (const rule of rules) {
    fields.add(normaliseFieldName(rule.field));
    for (const alias of PII_FIELD_ALIASES[rule.field as PiiField] ?? []) fields.add(alias);
  }
  // An `ip` rule makes addresses PII wherever they are written, not only under a field name.
  const text = rules.some((rule) => rule.strategy === 'ip') ? redactIpLiterals : keepText;
  return { fields, text };
}

const defaultPolicy = policyOf(PII_RULES);

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

function copy(value: unknown, policy: Policy, ancestors: Set<object>, depth: number): unknown {
  if (typeof value === 'string') return policy.text(value);
  if (value === null || typeof value !== 'object') return value;
  // Buffers, Dates, Errors, Maps and other class instances are left as they are: only data is walked.
  if (!Array.isArray(value) && !isPlainObject(value)) return value;
  if (ancestors.has(value)) return CIRCULAR;
  if (depth >= MAX_REDACTION_DEPTH) return TRUNCATED;
  ancestors.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => copy(item, policy, ancestors, depth + 1));
    const result: Record<string, unknown> = Object.getPrototypeOf(value) === null ? Object.create(null) : {};
    for (const key of Object.keys(value)) {
      const redacted = policy.fields.has(normaliseFieldName(key));
      // Keys are text too: a map of counts per address (`{ "203.0.113.9": 3 }`) must not name the address.
      setOwn(result, policy.text(key), redacted ? REDACTED : copy(value[key], policy, ancestors, depth + 1));
    }
    return result;
  } finally {
    ancestors.delete(value);
  }
}

/**
 * A deep copy of log metadata in which every field named by a rule or one of its aliases (`PII_FIELD_ALIASES`), at
 * any depth, is `[REDACTED]`, and, when a rule masks `ip`, every IP address inside a string (values, array items,
 * keys) is `REDACTED_ADDRESS`. Never throws: when the metadata cannot be walked (a throwing getter, a hostile Proxy)
 * the whole value is redacted, failing closed.
 */
export function redactPii(meta: unknown, rules: readonly MaskingRule[] = PII_RULES): unknown {
  try {
    const policy = rules === PII_RULES ? defaultPolicy : policyOf(rules);
    return copy(meta, policy, new Set(), 0);
  } catch {
    return REDACTED;
  }
}
