import { ConfigError } from './config-error';
import { isEnvironmentName, validatorFor } from './define-config';
import type { ConfigSpec } from './define-config';
import { issuesFromAjvErrors } from './messages';
import { nonEmpty, readNamedFile, resolveSecret } from './secrets';
import type { ReadFile } from './secrets';
import { messageOf, parseBoolean, splitItems } from './text-values';
import type { GivenText } from './text-values';
import type { ConfigIssue, ConfigValues, VariableSpec, VariableSpecs } from './types';
import { phrasing } from './phrasing';
import type { SettingNames } from './phrasing';

/** A setting's text as given, and where it came from (`--rate`, `GENERATOR_RATE`). */
export interface GivenValue {
  readonly text: GivenText;
  readonly source: string;
}

/** What the environment holds for a spec's variables (secrets from NAME or NAME_FILE); problems go to `issues`. */
export function givenByEnvironment(
  variables: VariableSpecs,
  env: NodeJS.ProcessEnv,
  readFile: ReadFile,
  issues: ConfigIssue[],
): Map<string, GivenValue> {
  const given = new Map<string, GivenValue>();
  for (const [name, variable] of Object.entries(variables)) {
    if (!isEnvironmentName(name)) continue;
    const text = readEnvironmentText(name, variable, env, readFile, issues);
    if (text !== undefined) given.set(name, { text, source: name });
  }
  return given;
}

function readEnvironmentText(
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

/**
 * Parses and validates the given texts against `spec`: the typed, frozen configuration, or one `ConfigError` naming
 * every wrong setting (in `phrasing`). `issues` may already hold problems found while reading (an unreadable secret).
 */
export function resolveConfig<V extends VariableSpecs>(
  spec: ConfigSpec<V>,
  given: ReadonlyMap<string, GivenValue>,
  issues: ConfigIssue[],
  readFile: ReadFile,
  /** Read from a command line too: errors name a setting's flag beside its variable. */
  withFlags = false,
): ConfigValues<V> {
  const variables: VariableSpecs = spec.variables;
  const shown: Record<string, string | string[]> = {};
  const data: Record<string, unknown> = {};

  for (const [name, variable] of Object.entries(variables)) {
    const text = given.get(name)?.text ?? textDefault(variable);
    if (text === undefined) continue;
    if (variable.list) {
      const items = splitItems(text);
      if (items.length === 0) continue;
      shown[name] = items;
      data[name] = variable.parse ? parseEach(name, items, variable.parse, issues) : items;
    } else {
      const scalar = typeof text === 'string' ? text : text.join(',');
      shown[name] = scalar;
      const parsed = variable.parse ? parseOne(name, scalar, variable.parse, issues) : scalar;
      if (parsed !== undefined)
        data[name] = variable.schema?.type === 'boolean' ? parseBoolean(String(parsed)) : parsed;
    }
  }

  const validate = validatorFor(spec);
  validate(data);
  // A variable already reported (an unreadable secret, a text `parse` refused) gains nothing from ajv's "required".
  const alreadyReported = [...issues];
  issues.push(
    ...issuesFromAjvErrors(validate.errors ?? [], variables, shown).filter(
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
    issues.push(...found.filter((issue) => !hasIssue(issues, issue.variable) && !mentionsAny(issue.message, reported)));
  }

  if (issues.length > 0) throw configError(inSpecOrder(issues, variables), variables, given, withFlags);
  return config;
}

/** A parsed variable's default is text, parsed like given text (ajv applies the other defaults). */
function textDefault(variable: VariableSpec): string | undefined {
  return variable.parse === undefined ? undefined : variable.default;
}

function parseOne(name: string, text: string, parse: (text: string) => unknown, issues: ConfigIssue[]): unknown {
  try {
    return parse(text);
  } catch (error) {
    issues.push({ variable: name, message: messageOf(error) });
    return undefined;
  }
}

function parseEach(
  name: string,
  items: readonly string[],
  parse: (text: string) => unknown,
  issues: ConfigIssue[],
): unknown[] {
  const values: unknown[] = [];
  const problems: string[] = [];
  for (const item of items) {
    try {
      const value = parse(item);
      if (value !== undefined) values.push(value);
    } catch (error) {
      problems.push(messageOf(error));
    }
  }
  if (problems.length > 0) issues.push({ variable: name, message: problems.join('; ') });
  return values;
}

/** The error, each issue named by every name of its setting (`phrasing.subject`). */
function configError(
  issues: readonly ConfigIssue[],
  variables: VariableSpecs,
  given: ReadonlyMap<string, GivenValue>,
  withFlags: boolean,
): ConfigError {
  const named = issues.map((issue) => {
    const variable = variables[issue.variable];
    // Issues about a secret's file (`NAME_FILE`) already carry the name the operator has to look at.
    if (variable === undefined) return issue;
    return { variable: phrasing.subject(namesOf(issue.variable, variable, given, withFlags)), message: issue.message };
  });
  return new ConfigError(
    named,
    named.map((issue) => phrasing.line(issue.variable, issue.message)),
  );
}

function namesOf(
  key: string,
  variable: VariableSpec,
  given: ReadonlyMap<string, GivenValue>,
  withFlags: boolean,
): SettingNames {
  const env = isEnvironmentName(key) ? key : undefined;
  const flag = !withFlags || variable.flag === undefined ? undefined : `--${variable.flag}`;
  const source = given.get(key)?.source ?? env ?? flag ?? key;
  return { ...(env && { env }), ...(flag && { flag }), source };
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
