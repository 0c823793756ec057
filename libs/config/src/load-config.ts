import { ConfigError } from './config-error';
import { EXIT } from './exit-codes';
import type { ConfigSpec } from './define-config';
import { givenByEnvironment, resolveConfig } from './resolve-config';
import { readFileFromDisk } from './secrets';
import type { ReadFile } from './secrets';
import type { ConfigIssue, ConfigValues, VariableSpecs } from './types';

export interface LoadConfigOptions {
  /** Reads secret files and `file: true` variables; defaults to `fs.readFileSync`. */
  readFile?: ReadFile;
}

/**
 * Parses and validates `env` against `spec`. Returns the typed, frozen configuration or throws one `ConfigError`
 * naming every wrong variable. Synchronous on purpose: it runs once, before anything else starts.
 */
export function loadConfig<V extends VariableSpecs>(
  spec: ConfigSpec<V>,
  env: NodeJS.ProcessEnv = process.env,
  options: LoadConfigOptions = {},
): ConfigValues<V> {
  const readFile = options.readFile ?? readFileFromDisk;
  const issues: ConfigIssue[] = [];
  const given = givenByEnvironment(spec.variables, env, readFile, issues);
  return resolveConfig(spec, given, issues, readFile);
}

export interface LoadConfigOrExitOptions extends LoadConfigOptions {
  exit?: (code: number) => never;
  stderr?: { write(text: string): unknown };
}

/** `loadConfig` for `main.ts`: on a `ConfigError` prints it to stderr and exits with code 2 (a usage error). */
export function loadConfigOrExit<V extends VariableSpecs>(
  spec: ConfigSpec<V>,
  env: NodeJS.ProcessEnv = process.env,
  options: LoadConfigOrExitOptions = {},
): ConfigValues<V> {
  try {
    return loadConfig(spec, env, options);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    (options.stderr ?? process.stderr).write(`${error.message}\n`);
    return (options.exit ?? process.exit)(EXIT.usage);
  }
}
