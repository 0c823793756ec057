import { ConfigError } from './config-error';
import { validatorFor } from './define-config';
import type { ConfigSpec } from './define-config';
import { issuesFromAjvErrors } from './messages';
import { nonEmpty, readFileFromDisk, readNamedFile, resolveSecret } from './secrets';
import type { ReadFile } from './secrets';
import type { ConfigIssue, ConfigValues, VariableSpec, VariableSpecs } from './types';

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
  const variables: VariableSpecs = spec.variables;
  const issues: ConfigIssue[] = [];
  const raw: Record<string, string | string[]> = {};
  const data: Record<string, unknown> = {};

  for (const [name, variable] of Object.entries(variables)) {
    const value = readRawValue(name, variable, env, readFile, issues);
    if (value === undefined) continue;
    if (variable.list) {
      const items = value.split(',').map((item) => item.trim()).filter((item) => item !== '');
      if (items.length === 0) continue;
      raw[name] = items;
      data[name] = [...items];
    } else {
      raw[name] = value;
      data[name] = variable.schema?.type === 'boolean' ? parseBoolean(value) : value;
    }
  }

  const validate = validatorFor(spec);
  validate(data);
  // A secret whose file could not be read is already reported; ajv would only add "required".
  const alreadyReported = [...issues];
  issues.push(
    ...issuesFromAjvErrors(validate.errors ?? [], variables, raw).filter(
      (issue) => !hasIssue(alreadyReported, issue.variable),
    ),
  );

  for (const [name, variable] of Object.entries(variables)) {
    const path = data[name];
    if (!variable.file || typeof path !== 'string' || hasIssue(issues, name)) continue;
    const read = readNamedFile(name, path, readFile);
    if (read.ok) data[name] = read.contents;
    else issues.push(read.issue);
  }

  // Checks see wrong variables as unset. Their findings about, or mentioning, an already reported variable are
  // dropped (e.g. "set but KAFKA_SASL_MECHANISM is not" when the mechanism was misspelt): one root cause, one line.
  for (const name of Object.keys(variables)) {
    if (hasIssue(issues, name)) delete data[name];
  }
  const config = Object.freeze(data) as ConfigValues<V>;
  const failedEarlier = issues.length > 0;
  for (const check of spec.checks) {
    let found: readonly ConfigIssue[];
    try {
      found = check(config);
    } catch (error) {
      // A check that trips over values already reported as wrong adds nothing; on a valid config it is a bug.
      if (failedEarlier) continue;
      throw error;
    }
    const reported = issues.flatMap((issue) => [issue.variable, issue.variable.replace(/_FILE$/, '')]);
    issues.push(
      ...found.filter((issue) => !hasIssue(issues, issue.variable) && !mentionsAny(issue.message, reported)),
    );
  }

  if (issues.length > 0) throw new ConfigError(inSpecOrder(issues, variables));
  return config;
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
    return (options.exit ?? process.exit)(2);
  }
}

function readRawValue(
  name: string,
  variable: VariableSpec,
  env: NodeJS.ProcessEnv,
  readFile: ReadFile,
  issues: ConfigIssue[],
): string | undefined {
  if (!variable.secret) return nonEmpty(env[name])?.trim();
  // Secrets are not trimmed: surrounding spaces could be part of a password.
  const secret = resolveSecret(name, env, readFile);
  if (secret.ok) return secret.value;
  issues.push(secret.issue);
  return undefined;
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

// ajv only coerces "true"/"false"; operators also write 1/0, yes/no. Anything else stays a string ajv rejects.
function parseBoolean(value: string): boolean | string {
  const word = value.toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return value;
}

function hasIssue(issues: readonly ConfigIssue[], name: string): boolean {
  return issues.some((issue) => issue.variable === name || issue.variable === `${name}_FILE`);
}

function mentionsAny(message: string, names: readonly string[]): boolean {
  return names.some((name) => new RegExp(`\\b${name}\\b`).test(message));
}

function inSpecOrder(issues: readonly ConfigIssue[], variables: VariableSpecs): ConfigIssue[] {
  const names = Object.keys(variables);
  const rank = (variable: string): number => {
    const index = names.indexOf(variable.replace(/_FILE$/, ''));
    const direct = names.indexOf(variable);
    return direct >= 0 ? direct : index >= 0 ? index : names.length;
  };
  return [...issues].sort((a, b) => rank(a.variable) - rank(b.variable));
}
