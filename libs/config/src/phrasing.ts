import { isEnvironmentName } from './define-config';
import type { NumberSchema, ValueSchema, VariableSpec } from './types';

/** The names a setting goes by, and the one its value came from. */
export interface SettingNames {
  /** The environment variable, unless the setting is a flag only. */
  readonly env?: string;
  /** `--rate`, when the setting has a flag. */
  readonly flag?: string;
  /** Where the value came from: the flag or the variable; for an unset setting its variable, else its flag. */
  readonly source: string;
}

/** What node's parseArgs threw for a command line it refused. */
export interface CommandLineRefusal {
  readonly code: string;
  readonly message: string;
}

/**
 * The one phrasing of configuration errors, for every app: what they say comes from the spec (the type, the range,
 * the choices, the names). `--rate / GENERATOR_RATE: must be a number between 0 and 10000000 (got "fast")`.
 */
export const phrasing = {
  /** The phrase for a wrong type, a number out of range or a value not among the choices. */
  expected(schema: ValueSchema): string {
    if (schema.type === 'boolean') return 'must be true or false';
    if (schema.enum !== undefined) return `must be one of: ${schema.enum.map(String).join(', ')}`;
    if (schema.type === 'string') return 'must be a string';
    return `must be ${numberExpectation(schema)}`;
  },
  /** The phrase followed by the offending value (`"abc"`, already quoted and clipped, or `(hidden)` for a secret). */
  got: (phrase: string, shown: string): string => `${phrase} (got ${shown})`,
  /** A setting by every name it has: its flag and its variable where it has both, so either can be looked up. */
  subject: (names: SettingNames): string =>
    names.flag !== undefined && names.env !== undefined ? `${names.flag} / ${names.env}` : names.source,
  line: (subject: string, message: string): string => `${subject}: ${message}`,
  /** A command line parseArgs refused (unknown flag, missing value, stray argument): the whole line. */
  commandLine: describeRefusal,
};

/**
 * A setting by every name it has (`--http-port / HTTP_PORT`), as the configuration errors name it: for a problem
 * only found once the value is used, such as a port another process holds.
 */
export function settingSubject(key: string, variable: Pick<VariableSpec, 'flag'>): string {
  const env = isEnvironmentName(key) ? key : undefined;
  const flag = variable.flag === undefined ? undefined : `--${variable.flag}`;
  return phrasing.subject({ ...(env && { env }), ...(flag && { flag }), source: env ?? flag ?? key });
}

function describeRefusal({ code, message }: CommandLineRefusal): string {
  const name = /--[a-z0-9-]+/.exec(message)?.[0] ?? /'(-[^' ]+)'/.exec(message)?.[1] ?? '';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${name} (see --help)`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing/.test(message)
        ? `${name}: a value is required (see --help)`
        : `${name}: ${message} (see --help)`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']*)'/.exec(message)?.[1] ?? ''}: this program takes only options (see --help)`;
    default:
      return `${message} (see --help)`;
  }
}

/** The whole expectation at once ("an integer between 0 and 65535") rather than the one bound that failed. */
export function numberExpectation(schema: NumberSchema): string {
  const noun = schema.type === 'integer' ? 'an integer' : 'a number';
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = schema;
  if (minimum !== undefined && maximum !== undefined) return `${noun} between ${minimum} and ${maximum}`;
  const bounds: string[] = [];
  if (minimum !== undefined) bounds.push(`at least ${minimum}`);
  if (exclusiveMinimum !== undefined) bounds.push(`greater than ${exclusiveMinimum}`);
  if (maximum !== undefined) bounds.push(`at most ${maximum}`);
  if (exclusiveMaximum !== undefined) bounds.push(`less than ${exclusiveMaximum}`);
  return bounds.length === 0 ? noun : `${noun} ${bounds.join(' and ')}`;
}
