import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { IP_ADDRESS_FORMAT } from './field-schemas';
import { inputSchema } from './input-schema';
import { isIpAddress } from './ip-address';
import { outputSchema } from './output-schema';
import type { ValidationIssue, ValidationResult } from './types';

// One instance, compiled at module load: compiling per event would dominate the hot path.
// No `verbose`: ajv then keeps input values out of its errors, which end up in DLQ headers.
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv, { mode: 'full', formats: ['date-time'] });
ajv.addFormat(IP_ADDRESS_FORMAT, { type: 'string', validate: isIpAddress });

const validateInput: ValidateFunction = ajv.compile(inputSchema);
const validateOutput: ValidateFunction = ajv.compile(outputSchema);

const VALID: { ok: true } = Object.freeze({ ok: true as const });

// Params that name a property of the instance rather than of the schema; our schemas should never produce them
// for input, but a key of the input is input, so it is withheld rather than trusted.
const INSTANCE_DERIVED_PARAMS = new Set(['additionalProperty', 'unevaluatedProperty', 'propertyName']);

export function toValidationIssues(errors: readonly ErrorObject[] | null | undefined): ValidationIssue[] {
  if (!errors) return [];
  return errors.map((error) => {
    const params: Record<string, unknown> = {};
    for (const key of Object.keys(error.params)) {
      if (!INSTANCE_DERIVED_PARAMS.has(key)) params[key] = (error.params as Record<string, unknown>)[key];
    }
    return { instancePath: error.instancePath, keyword: error.keyword, params };
  });
}

/** Validates against the input schema only; the time window is checked by `parseLoginEvent`. */
export function validateInputEvent(x: unknown): ValidationResult {
  return validateInput(x) ? VALID : { ok: false, issues: toValidationIssues(validateInput.errors) };
}

export function validateOutputEvent(x: unknown): ValidationResult {
  return validateOutput(x) ? VALID : { ok: false, issues: toValidationIssues(validateOutput.errors) };
}

/** ajv's own texts (`must match format "…"`) name the schema rule, never the value, so they are safe to join. */
export function describeIssues(errors: readonly ErrorObject[] | null | undefined): string {
  if (!errors) return '';
  return errors.map((error) => `${error.instancePath || '/'} ${error.message ?? error.keyword}`).join('; ');
}

/** For callers that need ajv's raw errors once (the parser builds both issues and the message from them). */
export function validateInputWithErrors(x: unknown): readonly ErrorObject[] | null {
  return validateInput(x) ? null : (validateInput.errors ?? []);
}
