import type { NumberSchema, ValueSchema } from './types';

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
 * The words of configuration errors. What they say comes from the spec (the type, the range, the choices, the
 * names); the wording only phrases it. `defaultWording` is this library's; a command-line app may keep its own.
 */
export interface Wording {
  /** The phrase for a wrong type, a number out of range or a value not among the choices. */
  expected(schema: ValueSchema): string;
  /** The phrase followed by the offending value (`"abc"`, already quoted and clipped, or `(hidden)` for a secret). */
  got(phrase: string, shown: string): string;
  /** How an error names a setting. */
  subject(names: SettingNames): string;
  /** One line of the error. */
  line(subject: string, message: string): string;
  /** A command line parseArgs refused (unknown flag, missing value, stray argument): the whole line. */
  commandLine(refusal: CommandLineRefusal): string;
}

/** `HTTP_PORT: must be an integer between 0 and 65535 (got "abc")`. */
export const defaultWording: Wording = {
  expected(schema) {
    if (schema.type === 'boolean') return 'must be true or false';
    if (schema.enum !== undefined) return `must be one of: ${schema.enum.map(String).join(', ')}`;
    if (schema.type === 'string') return 'must be a string';
    return `must be ${numberExpectation(schema)}`;
  },
  got: (phrase, shown) => `${phrase} (got ${shown})`,
  subject: (names) => names.source,
  line: (subject, message) => `${subject}: ${message}`,
  commandLine: (refusal) => refusal.message,
};

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
