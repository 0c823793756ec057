import type { ErrorObject } from 'ajv';
import { INPUT_SCHEMA_ID, inputSchema } from './input-schema';
import { OUTPUT_SCHEMA_ID, OUTPUT_SCHEMA_VERSION, outputSchema } from './output-schema';
import { CONTRACT_EXAMPLE_INPUT, CONTRACT_EXAMPLE_OUTPUT } from './testing';
import type { ProcessedLoginEvent } from './types';
import { toValidationIssues, validateInputEvent, validateOutputEvent } from './validators';

const OUTPUT: ProcessedLoginEvent = CONTRACT_EXAMPLE_OUTPUT;

describe('schemas', () => {
  it('are draft 2020-12 with versioned ids', () => {
    expect(inputSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(outputSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(inputSchema.$id).toBe('urn:login-pipeline:schema:user-login:1.0.0');
    expect(outputSchema.$id).toBe('urn:login-pipeline:schema:processed-user-login:2.0.0');
    expect(INPUT_SCHEMA_ID).toBe(inputSchema.$id);
    expect(OUTPUT_SCHEMA_ID).toBe(outputSchema.$id);
    expect(OUTPUT_SCHEMA_ID.endsWith(OUTPUT_SCHEMA_VERSION)).toBe(true);
  });

  it('cannot be changed by a consumer', () => {
    expect(Object.isFrozen(inputSchema)).toBe(true);
    expect(Object.isFrozen(inputSchema.properties.ip)).toBe(true);
    expect(Object.isFrozen(outputSchema.required)).toBe(true);
  });

  it('output schema requires exactly the fields of docs/contracts.md "Output event"', () => {
    expect([...outputSchema.required].sort()).toEqual(Object.keys(OUTPUT).sort());
    expect(Object.keys(outputSchema.properties).sort()).toEqual(Object.keys(OUTPUT).sort());
  });
});

describe('validateInputEvent', () => {
  it('accepts the contract example and ignores unknown fields', () => {
    const event = { ...CONTRACT_EXAMPLE_INPUT, unknown: { anything: true } };
    expect(validateInputEvent(event)).toEqual({ ok: true });
  });

  it('reports issues for non-objects', () => {
    expect(validateInputEvent([])).toEqual({
      ok: false,
      issues: [{ instancePath: '', keyword: 'type', params: { type: 'object' } }],
    });
  });
});

describe('validateOutputEvent', () => {
  it('accepts a well-formed output event', () => {
    expect(validateOutputEvent(OUTPUT)).toEqual({ ok: true });
  });

  it.each([
    ['IPv6 /48', { ip: '2001:db8:1::', ip_version: 6 }],
    ['hmac ip', { ip: 'k1:AAAAAAAAAAAAAAAAAAAAAA' }],
    ['redacted ip', { ip: 'redacted' }],
    ['negative latency', { latency_ms: -1500 }],
    ['zero latency', { latency_ms: 0 }],
    ['timezone offset', { event_time: '2023-09-12T03:45:51+03:00' }],
    ['unknown device type', { device_type: 'unknown' }],
    ['other device type', { device_type: 'other' }],
    ['iOS device type', { device_type: 'iOS' }],
  ])('accepts %s', (_name, fields) => {
    expect(validateOutputEvent({ ...OUTPUT, ...fields })).toEqual({ ok: true });
  });

  it.each([
    ['extra property', { extra: 1 }, '', 'additionalProperties'],
    ['raw device id', { device_id: '593-47-5928' }, '/device_id', 'pattern'],
    ['pseudonym too short', { device_id: 'k1.v2:AAAA' }, '/device_id', 'pattern'],
    ['pseudonym of the superseded derivation', { device_id: 'k1:AAAAAAAAAAAAAAAAAAAAAA' }, '/device_id', 'pattern'],
    ['fractional latency', { latency_ms: 1.5 }, '/latency_ms', 'type'],
    ['latency as string', { latency_ms: '1' }, '/latency_ms', 'type'],
    ['ip_version 5', { ip_version: 5 }, '/ip_version', 'enum'],
    ['empty ip', { ip: '' }, '/ip', 'minLength'],
    ['event_time not a date', { event_time: 'yesterday' }, '/event_time', 'format'],
    ['event_time without zone', { event_time: '2023-09-12T00:45:51' }, '/event_time', 'format'],
    ['processed_at epoch', { processed_at: 1694479551000 }, '/processed_at', 'type'],
    ['wrong schema version', { schema_version: '0.9.0' }, '/schema_version', 'const'],
    ['event_id not a uuid', { event_id: 'abc' }, '/event_id', 'pattern'],
    ['device_type missing', { device_type: undefined }, '', 'required'],
    // The output's device_type is from a fixed list: an IMEI-shaped value must not pass for a device type.
    ['device_type an IMEI', { device_type: 'imei356938035643809' }, '/device_type', 'enum'],
    ['device_type outside the list', { device_type: 'smart-tv' }, '/device_type', 'enum'],
    ['device_type in other case', { device_type: 'Android' }, '/device_type', 'enum'],
  ])('rejects %s', (_name, fields, instancePath, keyword) => {
    const result = validateOutputEvent({ ...OUTPUT, ...fields });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues).toContainEqual(expect.objectContaining({ instancePath, keyword }));
  });
});

describe('toValidationIssues', () => {
  it('withholds params that name a property of the instance', () => {
    const errors: ErrorObject[] = [
      {
        instancePath: '',
        schemaPath: '#/additionalProperties',
        keyword: 'additionalProperties',
        params: { additionalProperty: 'secret-key' },
      },
      { instancePath: '/a', schemaPath: '#/properties/a/maxLength', keyword: 'maxLength', params: { limit: 3 } },
    ];
    expect(toValidationIssues(errors)).toEqual([
      { instancePath: '', keyword: 'additionalProperties', params: {} },
      { instancePath: '/a', keyword: 'maxLength', params: { limit: 3 } },
    ]);
  });

  it('gives an empty list for no errors', () => {
    expect(toValidationIssues(null)).toEqual([]);
    expect(toValidationIssues(undefined)).toEqual([]);
  });
});
