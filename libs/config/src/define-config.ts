import type { ValidateFunction } from 'ajv';
import { configAjv } from './ajv';
import type { ConfigCheck, ConfigValues, VariableSpec, VariableSpecs } from './types';

/** A validated, reusable configuration spec. Build it with `defineConfig` or `composeConfig`, never by hand. */
export interface ConfigSpec<V extends VariableSpecs> {
  readonly variables: V;
  readonly checks: readonly ConfigCheck<ConfigValues<V>>[];
}

export interface DefineConfigOptions<V extends VariableSpecs> {
  /** Cross-field rules (e.g. "a SASL mechanism needs a username"); run after each variable has been parsed. */
  checks?: ConfigCheck<ConfigValues<V>>;
}

const NAME_PATTERN = /^[A-Z][A-Z0-9_]*$/;

// Compiled once per spec object; the WeakMap keeps the spec itself plain data.
const validators = new WeakMap<ConfigSpec<VariableSpecs>, ValidateFunction>();

/**
 * Declares the variables an app (or a reusable piece) reads. Programmer errors — a bad name, a schema ajv's strict
 * mode rejects, a default that breaks its own schema — throw here, at import time, not at the first deployment.
 */
export function defineConfig<const V extends VariableSpecs>(
  variables: V,
  options: DefineConfigOptions<V> = {},
): ConfigSpec<V> {
  const spec: ConfigSpec<V> = { variables, checks: options.checks ? [options.checks] : [] };
  compileValidator(spec);
  return spec;
}

type MergedVariables<T extends readonly unknown[]> = T extends readonly [ConfigSpec<infer A>, ...infer Rest]
  ? A & MergedVariables<Rest>
  : unknown;

/**
 * Joins spec pieces (e.g. `kafkaConfigSpec`, `observabilityConfigSpec` and the app's own) into one spec. Their checks
 * all run; a variable defined twice is a programmer error.
 */
export function composeConfig<const T extends readonly ConfigSpec<VariableSpecs>[]>(
  ...specs: T
): ConfigSpec<MergedVariables<T> & VariableSpecs> {
  const variables: Record<string, VariableSpec> = {};
  const checks: ConfigCheck<never>[] = [];
  for (const spec of specs) {
    for (const [name, variable] of Object.entries(spec.variables)) {
      if (name in variables) throw new TypeError(`composeConfig: ${name} is defined by more than one spec`);
      variables[name] = variable;
    }
    checks.push(...(spec.checks as readonly ConfigCheck<never>[]));
  }
  // The merged checks each see the whole config, a superset of the piece they were written for.
  const spec = { variables, checks } as unknown as ConfigSpec<MergedVariables<T> & VariableSpecs>;
  compileValidator(spec);
  return spec;
}

/** The ajv validator of a spec, compiled on first use. Internal to this library. */
export function validatorFor(spec: ConfigSpec<VariableSpecs>): ValidateFunction {
  return validators.get(spec) ?? compileValidator(spec);
}

/** The JSON Schema of one variable's parsed value, as ajv sees it. */
export function propertySchema(variable: VariableSpec): Record<string, unknown> {
  if (variable.file) return { type: 'string', minLength: 1 };
  const schema: Record<string, unknown> = variable.list
    ? { type: 'array', items: { ...variable.schema } }
    : { ...variable.schema };
  if (variable.default !== undefined) {
    schema['default'] = Array.isArray(variable.default) ? [...variable.default] : variable.default;
  }
  return schema;
}

function compileValidator(spec: ConfigSpec<VariableSpecs>): ValidateFunction {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  const names = Object.keys(spec.variables);
  for (const name of names) {
    const variable = spec.variables[name] as VariableSpec;
    if (!NAME_PATTERN.test(name)) throw new TypeError(`defineConfig: ${name} is not an UPPER_SNAKE_CASE name`);
    if (variable.secret && names.includes(`${name}_FILE`)) {
      throw new TypeError(`defineConfig: ${name}_FILE is reserved for the secret ${name}`);
    }
    properties[name] = propertySchema(variable);
    if (variable.required && variable.default === undefined) required.push(name);
  }
  const validate = configAjv.compile({ type: 'object', properties, required, additionalProperties: false });

  // Validating an empty environment applies every default; an error located at a defaulted variable means the
  // default contradicts its own schema.
  validate({});
  for (const error of validate.errors ?? []) {
    const name = error.instancePath.split('/')[1];
    if (name !== undefined && spec.variables[name]?.default !== undefined) {
      throw new TypeError(`defineConfig: the default of ${name} is invalid: ${error.message ?? error.keyword}`);
    }
  }
  validators.set(spec, validate);
  return validate;
}
