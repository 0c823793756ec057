import type { ValidateFunction } from 'ajv';
import { configAjv } from './ajv';
import { messageOf, splitItems } from './text-values';
import type { ConfigCheck, ConfigValues, ParsedVariable, VariableSpec, VariableSpecs } from './types';

/** A validated, reusable configuration spec. Build it with `defineConfig` or `composeConfig`, never by hand. */
export interface ConfigSpec<V extends VariableSpecs> {
  readonly variables: V;
  readonly checks: readonly ConfigCheck<ConfigValues<V>>[];
}

export interface DefineConfigOptions<V extends VariableSpecs> {
  /** Cross-field rules (e.g. "a SASL mechanism needs a username"); run after each variable has been parsed. */
  checks?: ConfigCheck<ConfigValues<V>>;
}

const ENVIRONMENT_NAME = /^[A-Z][A-Z0-9_]*$/;
const FLAG_ONLY_KEY = /^[a-z][A-Za-z0-9]*$/;
const FLAG_NAME = /^[a-z][a-z0-9-]*$/;
const SHORT_FLAG = /^[A-Za-z]$/;

/** An UPPER_SNAKE_CASE key is an environment variable; a camelCase key is a command-line flag only. */
export function isEnvironmentName(key: string): boolean {
  return ENVIRONMENT_NAME.test(key);
}

// Compiled once per spec object; the WeakMap keeps the spec itself plain data.
const validators = new WeakMap<ConfigSpec<VariableSpecs>, ValidateFunction>();

/**
 * Declares the settings an app (or a reusable piece) reads. Programmer errors — a bad name or flag, a schema ajv's
 * strict mode rejects, a default that breaks its own schema — throw here, at import time, not at the first
 * deployment.
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

/** The variables of specs composed in this order. */
export type ComposedVariables<T extends readonly ConfigSpec<VariableSpecs>[]> = MergedVariables<T> & VariableSpecs;

/**
 * Joins spec pieces (e.g. `kafkaConfigSpec`, `observabilityConfigSpec` and the app's own) into one spec. Their checks
 * all run; a variable, flag or short flag defined twice is a programmer error.
 */
export function composeConfig<const T extends readonly ConfigSpec<VariableSpecs>[]>(
  ...specs: T
): ConfigSpec<ComposedVariables<T>> {
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
  const spec = { variables, checks } as unknown as ConfigSpec<ComposedVariables<T>>;
  compileValidator(spec);
  return spec;
}

/** The ajv validator of a spec, compiled on first use. Internal to this library. */
export function validatorFor(spec: ConfigSpec<VariableSpecs>): ValidateFunction {
  return validators.get(spec) ?? compileValidator(spec);
}

/** The JSON Schema of one variable's value, as ajv sees it (after `parse`, if any). */
export function propertySchema(variable: VariableSpec): Record<string, unknown> {
  if (variable.file) return { type: 'string', minLength: 1 };
  const item: Record<string, unknown> = variable.schema ? { ...variable.schema } : {};
  const schema: Record<string, unknown> = variable.list ? { type: 'array', items: item } : item;
  // A parsed variable's default is text, parsed like a given value before ajv sees it.
  if (variable.default !== undefined && variable.parse === undefined) {
    schema['default'] = Array.isArray(variable.default) ? [...variable.default] : variable.default;
  }
  return schema;
}

function compileValidator(spec: ConfigSpec<VariableSpecs>): ValidateFunction {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  const names = Object.keys(spec.variables);
  const flags = new Set<string>();
  for (const name of names) {
    const variable = spec.variables[name] as VariableSpec;
    checkNames(name, variable, names, flags);
    if (variable.parse !== undefined) checkParsedDefault(name, variable);
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

function checkNames(name: string, variable: VariableSpec, names: readonly string[], flags: Set<string>): void {
  if (!isEnvironmentName(name) && !(FLAG_ONLY_KEY.test(name) && variable.flag !== undefined)) {
    throw new TypeError(
      `defineConfig: ${name} is neither an UPPER_SNAKE_CASE name (an environment variable) nor a camelCase key with a flag`,
    );
  }
  if (variable.secret && names.includes(`${name}_FILE`)) {
    throw new TypeError(`defineConfig: ${name}_FILE is reserved for the secret ${name}`);
  }
  if (variable.flag === undefined) {
    if (variable.short !== undefined) throw new TypeError(`defineConfig: ${name} has a short flag but no flag`);
    return;
  }
  // A flag's value shows in the process list and the shell history: secrets come from the environment or a file.
  if (variable.secret) throw new TypeError(`defineConfig: the secret ${name} cannot have a flag`);
  if (!FLAG_NAME.test(variable.flag)) throw new TypeError(`defineConfig: --${variable.flag} is not a kebab-case flag`);
  if (variable.short !== undefined && !SHORT_FLAG.test(variable.short)) {
    throw new TypeError(`defineConfig: -${variable.short} is not a one-letter flag`);
  }
  for (const flag of [`--${variable.flag}`, ...(variable.short === undefined ? [] : [`-${variable.short}`])]) {
    if (flags.has(flag)) throw new TypeError(`defineConfig: ${flag} is defined by more than one setting`);
    flags.add(flag);
  }
}

function checkParsedDefault(name: string, variable: ParsedVariable): void {
  const { parse, default: text } = variable;
  if (text === undefined) return;
  let values: unknown[];
  try {
    values = variable.list ? splitItems(text).map((item) => parse(item)) : [parse(text)];
  } catch (error) {
    throw new TypeError(`defineConfig: the default of ${name} is invalid: ${messageOf(error)}`);
  }
  if (values.length === 0 || values.includes(undefined))
    throw new TypeError(`defineConfig: the default of ${name} parses to unset`);
}
