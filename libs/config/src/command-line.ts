import { parseArgs } from 'node:util';
import { ConfigError } from './config-error';
import { composeConfig } from './define-config';
import type { ComposedVariables, ConfigSpec } from './define-config';
import { givenByEnvironment, resolveConfig } from './resolve-config';
import type { GivenValue } from './resolve-config';
import { readFileFromDisk } from './secrets';
import type { LoadConfigOptions } from './load-config';
import type { ConfigIssue, ConfigValues, VariableSpec, VariableSpecs } from './types';
import { phrasing } from './phrasing';
import type { CommandLineRefusal } from './phrasing';

/** A group of settings under one heading of --help. */
export interface CommandLineSection<S extends ConfigSpec<VariableSpecs> = ConfigSpec<VariableSpecs>> {
  readonly title: string;
  readonly spec: S;
}

export interface CommandLineDefinition<T extends readonly ConfigSpec<VariableSpecs>[], A extends string> {
  /** The program: `generator`, `dlq-replayer`. */
  readonly program: string;
  /** The command of a program that has several (`inspect` of `dlq-replayer inspect`). */
  readonly command?: string;
  readonly version: string;
  /** What the program does: the paragraphs after the usage line. */
  readonly about: string;
  /** The settings, in --help order; the first section also lists the actions, --help and --version. */
  readonly sections: { readonly [K in keyof T]: CommandLineSection<T[K]> };
  /** Flags that answer instead of running (`list-kinds` → `--list-kinds`), checked before anything is validated. */
  readonly actions?: Readonly<Record<A, string>>;
  /** The text after the options: examples, exit codes. */
  readonly epilogue?: string;
}

/** A command line described once: parsed by `readCommandLine`, documented by `helpText`. */
export interface CommandLine<V extends VariableSpecs, A extends string = never> {
  readonly program: string;
  /** The program and its command, as the user types them: `dlq-replayer inspect`. */
  readonly usage: string;
  readonly version: string;
  readonly about: string;
  readonly epilogue: string;
  /** Every section's settings in one spec. */
  readonly spec: ConfigSpec<V>;
  readonly sections: readonly { readonly title: string; readonly names: readonly string[] }[];
  readonly actions: Readonly<Record<A, string>>;
}

/** The flags every command line has. */
export const BUILT_IN_FLAGS = {
  help: { short: 'h', description: 'Show this help, then exit.' },
  version: { description: 'Print the version, then exit.' },
} as const;

/** Declares a program's command line; a flag defined twice or taken by --help, --version or an action throws here. */
export function defineCommandLine<const T extends readonly ConfigSpec<VariableSpecs>[], const A extends string = never>(
  definition: CommandLineDefinition<T, A>,
): CommandLine<ComposedVariables<T>, A> {
  const sections = definition.sections as readonly CommandLineSection[];
  const spec = composeConfig(...sections.map((section) => section.spec)) as unknown as ConfigSpec<ComposedVariables<T>>;
  const actions = (definition.actions ?? {}) as Readonly<Record<A, string>>;
  const reserved = new Set([...Object.keys(BUILT_IN_FLAGS), ...Object.keys(actions)]);
  for (const [name, variable] of Object.entries(spec.variables as VariableSpecs)) {
    if (variable.flag !== undefined && reserved.has(variable.flag)) {
      throw new TypeError(
        `defineCommandLine: --${variable.flag} of ${name} is taken by --help, --version or an action`,
      );
    }
    if (variable.short === BUILT_IN_FLAGS.help.short)
      throw new TypeError(`defineCommandLine: -h of ${name} is --help's`);
  }
  return {
    program: definition.program,
    usage: definition.command === undefined ? definition.program : `${definition.program} ${definition.command}`,
    version: definition.version,
    about: definition.about,
    epilogue: definition.epilogue ?? '',
    spec,
    sections: sections.map((section) => ({ title: section.title, names: Object.keys(section.spec.variables) })),
    actions,
  };
}

export type CommandLineResult<V extends VariableSpecs, A extends string> =
  | { readonly action: 'help' }
  | { readonly action: 'version' }
  | { readonly action: A }
  | { readonly action: 'run'; readonly config: ConfigValues<V> };

/**
 * Reads a program's settings from its flags and the environment; a flag overrides its variable. --help, --version
 * and the actions are answered before anything is validated. Throws one `ConfigError` naming every wrong setting
 * (a command line parseArgs refuses is one error on its own).
 */
export function readCommandLine<V extends VariableSpecs, A extends string>(
  cli: CommandLine<V, A>,
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  options: Pick<LoadConfigOptions, 'readFile'> = {},
): CommandLineResult<V, A> {
  const variables: VariableSpecs = cli.spec.variables;
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: parseArgsOptions(cli),
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    const refusal = asRefusal(error);
    if (refusal === undefined) throw error;
    const line = phrasing.commandLine(refusal);
    throw new ConfigError([{ variable: optionNamedIn(refusal.message), message: line }], [line]);
  }
  if (values['help'] === true) return { action: 'help' };
  if (values['version'] === true) return { action: 'version' };
  for (const action of Object.keys(cli.actions) as A[]) {
    if (values[action] === true) return { action };
  }

  const readFile = options.readFile ?? readFileFromDisk;
  const issues: ConfigIssue[] = [];
  const given = givenByEnvironment(variables, env, readFile, issues);
  for (const [name, variable] of Object.entries(variables)) {
    const value = variable.flag === undefined ? undefined : values[variable.flag];
    if (value !== undefined) given.set(name, flagValue(variable, value));
  }
  return { action: 'run', config: resolveConfig(cli.spec, given, issues, readFile, true) };
}

/** `generator 0.1.0`. */
export function versionText(cli: CommandLine<VariableSpecs, string>): string {
  return `${cli.program} ${cli.version}`;
}

type ParseArgsOptions = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

function parseArgsOptions(cli: CommandLine<VariableSpecs, string>): ParseArgsOptions {
  const options: ParseArgsOptions = {
    help: { type: 'boolean', short: BUILT_IN_FLAGS.help.short },
    version: { type: 'boolean' },
  };
  for (const action of Object.keys(cli.actions)) options[action] = { type: 'boolean' };
  for (const variable of Object.values(cli.spec.variables)) {
    if (variable.flag === undefined) continue;
    options[variable.flag] = {
      type: isSwitch(variable) ? 'boolean' : 'string',
      ...(variable.short !== undefined && { short: variable.short }),
      ...(variable.list && { multiple: true }),
    };
  }
  return options;
}

/** A boolean setting's flag takes no value: present means true. */
export function isSwitch(variable: VariableSpec): boolean {
  return variable.parse === undefined && variable.schema?.type === 'boolean';
}

function flagValue(variable: VariableSpec, value: string | boolean | (string | boolean)[]): GivenValue {
  const source = `--${variable.flag ?? ''}`;
  if (Array.isArray(value)) return { text: value.map((item) => String(item).trim()), source };
  return { text: String(value).trim(), source };
}

// Duck-typed: node's errors may come from another realm (e.g. under Jest), where instanceof Error fails.
function asRefusal(error: unknown): CommandLineRefusal | undefined {
  const { code, message } = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    message?: unknown;
  };
  if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS') || typeof message !== 'string') return undefined;
  return { code, message };
}

/** "Option '-n, --count <value>' argument missing" → `--count`. */
function optionNamedIn(message: string): string {
  return /--[a-z0-9-]+/.exec(message)?.[0] ?? /'(-[^' ]+)'/.exec(message)?.[1] ?? 'command line';
}
