import type { ReasonCode } from '@login/event-schema';
import { DEFAULT_PARSE_LIMITS, parseLoginEvent, REASON_CODES, validateInputEvent } from '@login/event-schema';
import { createEventBuilder, DEFAULT_BUILDER_OPTIONS } from './event-builder';
import { createFakerSource } from './faker-source';
import type { InputEvent, InputReasonCode } from './input-event';
import { INPUT_REASON_CODES } from './input-event';
import { MALFORMED_KINDS, MAX_VALUE_BYTES } from './malformed';

// Compile-time: every reason the generator aims at is a reason code of the contract.
const _reasonsAreContractReasons: ReasonCode = 'EMPTY_VALUE' as InputReasonCode;

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);

function validEvents(n: number): InputEvent[] {
  const builder = createEventBuilder({ ...DEFAULT_BUILDER_OPTIONS, seed: 11 }, createFakerSource);
  return Array.from({ length: n }, () => JSON.parse(builder.next(NOW).value!.toString('utf8')) as InputEvent);
}

describe('malformed kinds', () => {
  const events = validEvents(300);

  it.each(MALFORMED_KINDS.map((k) => [k.name, k.reason, k] as const))(
    '%s is dead-lettered as %s',
    (_name, reason, kind) => {
      const random = createFakerSource([99, kind.name.length]);
      for (const event of events) {
        const value = kind.make(event, { random, nowMs: NOW });
        const parsed = parseLoginEvent(value, { ...DEFAULT_PARSE_LIMITS, nowMs: NOW });
        if (parsed.ok) throw new Error(`${kind.name} passed: ${value?.toString('utf8').slice(0, 300)}`);
        if (parsed.failure.reason !== reason) {
          throw new Error(
            `${kind.name} gave ${parsed.failure.reason}, not ${reason}: ${value?.toString('latin1').slice(0, 300)}`,
          );
        }
      }
    },
  );

  it('schema kinds fail validateInputEvent too', () => {
    const random = createFakerSource([5]);
    for (const kind of MALFORMED_KINDS.filter((k) => k.reason === 'SCHEMA_VIOLATION')) {
      for (const event of events.slice(0, 50)) {
        expect(validateInputEvent(JSON.parse(kind.make(event, { random, nowMs: NOW })!.toString('utf8'))).ok).toBe(
          false,
        );
      }
    }
  });

  it('together cover every reason code a value can trigger', () => {
    const covered = new Set(MALFORMED_KINDS.map((k) => k.reason));
    const notFromValues = new Set<ReasonCode>([
      'MASKING_FAILED',
      'ENRICH_FAILED',
      'INTERNAL_ERROR',
      'KEY_TOO_LARGE',
      'HEADERS_TOO_LARGE',
      'BATCH_TOO_LARGE',
    ]);
    const triggerable = REASON_CODES.filter((r) => !notFromValues.has(r));
    expect([...covered].sort()).toEqual([...triggerable].sort());
    expect([...INPUT_REASON_CODES].sort()).toEqual([...triggerable].sort());
  });

  it('makes oversized values larger than the processor limit', () => {
    expect(MAX_VALUE_BYTES).toBe(DEFAULT_PARSE_LIMITS.maxValueBytes);
  });

  it('has unique kebab-case names and a description each', () => {
    const names = MALFORMED_KINDS.map((k) => k.name);
    expect(new Set(names).size).toBe(names.length);
    for (const k of MALFORMED_KINDS) {
      expect(k.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(k.description.length).toBeGreaterThan(10);
    }
  });
});
