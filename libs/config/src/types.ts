/**
 * Public types of a configuration spec. A spec is plain data (key → setting) so the same object drives validation,
 * error messages, --help and the generated table in docs/configuration.md.
 *
 * A key in UPPER_SNAKE_CASE is an environment variable; a camelCase key is a command-line flag only (it needs `flag`).
 */

/** JSON Schema fragment for a string value (any ajv keyword for strings may be added; ajv's strict mode checks them). */
export interface StringSchema {
  type: 'string';
  enum?: readonly string[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
}

/** JSON Schema fragment for a numeric value. */
export interface NumberSchema {
  type: 'integer' | 'number';
  enum?: readonly number[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
}

/** JSON Schema fragment for a boolean value (`true/false`, `1/0`, `yes/no`, `on/off`, any case). */
export interface BooleanSchema {
  type: 'boolean';
}

export type ValueSchema = StringSchema | NumberSchema | BooleanSchema;

interface VariableBase {
  /** One sentence for docs/configuration.md and --help. */
  description: string;
  /** Shown in docs/configuration.md and in pattern errors. Never put a real secret here. */
  example?: string;
  /** Without a default, a required variable that is unset is an error. */
  required?: boolean;
  /** Secret: the value may also come from the file named by `<NAME>_FILE`; its value never appears in errors. */
  secret?: boolean;
  /** Command-line flag (`rate` for `--rate`); it overrides the environment variable. Secrets have none. */
  flag?: string;
  /** One-letter alias of the flag (`n` for `-n`). */
  short?: string;
  /** The flag's value in --help (`--rate N`); booleans take no value. */
  placeholder?: string;
}

/** A single value. `default` is applied by ajv (`useDefaults`) when the variable is unset or empty. */
export type ScalarVariable =
  | (VariableBase & { schema: StringSchema; default?: string; list?: false; file?: false; parse?: undefined })
  | (VariableBase & { schema: NumberSchema; default?: number; list?: false; file?: false; parse?: undefined })
  | (VariableBase & { schema: BooleanSchema; default?: boolean; list?: false; file?: false; parse?: undefined });

/**
 * Comma-separated list: items trimmed, empty items dropped; `schema` describes each item. A list's flag may be
 * repeated (`--reason A --reason B,C`).
 */
export type ListVariable =
  | (VariableBase & { list: true; schema: StringSchema; default?: readonly string[]; file?: false; parse?: undefined })
  | (VariableBase & { list: true; schema: NumberSchema; default?: readonly number[]; file?: false; parse?: undefined });

/** A path to a file; the loaded config holds the file's contents as a Buffer (e.g. TLS certificates). */
export type FileVariable = VariableBase & {
  file: true;
  list?: false;
  schema?: undefined;
  default?: undefined;
  parse?: undefined;
};

/**
 * A value JSON Schema cannot express (a duration, a timestamp, a set of names): `parse` turns the text into it, or
 * throws an Error whose message says what was expected and names the text. `undefined` means unset. When `schema`
 * is given too, it validates what `parse` returned. `default` is text, parsed like a given value.
 * With `list: true`, each item is parsed.
 */
export type ParsedVariable = VariableBase & {
  parse: (text: string) => unknown;
  schema?: ValueSchema;
  default?: string;
  list?: boolean;
  file?: false;
};

export type VariableSpec = ScalarVariable | ListVariable | FileVariable | ParsedVariable;

export type VariableSpecs = Readonly<Record<string, VariableSpec>>;

/**
 * One wrong setting. Checks name settings by key; the error names them by every name they have (`--rate / RATE` on
 * a command line, the environment variable otherwise, possibly `<NAME>_FILE`).
 */
export interface ConfigIssue {
  variable: string;
  message: string;
}

/**
 * A cross-field rule run after every single variable has been parsed; returns the issues it finds. Declared as a
 * method so a check written for a piece of a spec still fits the composed spec (whose config is a superset).
 */
export type ConfigCheck<C> = { check(config: C): readonly ConfigIssue[] }['check'];

type SchemaValue<S> = S extends { enum: readonly (infer E)[] }
  ? E
  : S extends { type: 'string' }
    ? string
    : S extends { type: 'integer' | 'number' }
      ? number
      : S extends { type: 'boolean' }
        ? boolean
        : never;

type ItemValue<V> = V extends { schema: infer S extends ValueSchema }
  ? SchemaValue<S>
  : V extends { parse: (text: string) => infer T }
    ? Exclude<T, undefined>
    : never;

/** The TypeScript type of one loaded variable. */
export type VariableValue<V> = V extends { file: true }
  ? Buffer
  : V extends { list: true }
    ? ItemValue<V>[]
    : ItemValue<V>;

type IsAlwaysSet<V> = V extends { default: unknown } ? true : V extends { required: true } ? true : false;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * The loaded configuration: keys are the environment variable names themselves (or the camelCase keys of flags), so
 * docs/configuration.md, the error messages and the code all use one name. Variables with a default or `required: true` are
 * always present.
 */
export type ConfigValues<V extends VariableSpecs> = Simplify<
  { readonly [K in keyof V as IsAlwaysSet<V[K]> extends true ? K : never]: VariableValue<V[K]> } & {
    readonly [K in keyof V as IsAlwaysSet<V[K]> extends true ? never : K]?: VariableValue<V[K]>;
  }
>;
