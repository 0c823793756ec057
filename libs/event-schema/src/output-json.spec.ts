import fc from 'fast-check';
import { outputEventJson } from './output-json';
import { outputSchema } from './output-schema';
import type { ProcessedLoginEvent } from './types';

// Any text, including quotes, backslashes, control characters, lone and paired surrogates.
const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('"', '\\', '\u0000', '\ud800', '😀'));
const number = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(-0, Number.NaN, Number.POSITIVE_INFINITY));

const event = fc.record({
  event_id: text,
  user_id: text,
  app_version: text,
  device_type: text,
  locale: text,
  device_id: text,
  ip: text,
  ip_version: number,
  event_time: text,
  processed_at: text,
  latency_ms: number,
  schema_version: text,
}) as unknown as fc.Arbitrary<ProcessedLoginEvent>;

describe('outputEventJson', () => {
  it('is JSON.stringify of the event, byte for byte, for any field values', () => {
    fc.assert(
      fc.property(event, (e) => expect(outputEventJson(e)).toBe(JSON.stringify(e))),
      { numRuns: 5000 },
    );
  });

  it("writes the fields in the output schema's order", () => {
    const sample = Object.fromEntries(outputSchema.required.map((name) => [name, name.endsWith('_ms') ? 1 : name]));
    expect(Object.keys(JSON.parse(outputEventJson(sample as unknown as ProcessedLoginEvent)))).toEqual(
      outputSchema.required,
    );
  });
});
