import type { ErrorObject } from 'ajv';
import type { ConfigIssue, ValueSchema, VariableSpec, VariableSpecs } from './types';
import { phrasing } from './phrasing';

/** What the operator typed, before coercion: shown in errors (never for secrets). */
export type RawValues = Readonly<Record<string, string | readonly string[] | undefined>>;

const MAX_SHOWN_CHARS = 100;

/**
 * Turns ajv's errors into one sentence per variable, e.g. `must be an integer between 0 and 65535 (got "abc")` in
 * the one phrasing. Secrets show `(hidden)` instead of their value. Issues are named by key.
 */
export function issuesFromAjvErrors(
  errors: readonly ErrorObject[],
  variables: VariableSpecs,
  raw: RawValues,
): ConfigIssue[] {
  const byVariable = new Map<string, { phrases: Set<string>; items: Map<number, Set<string>> }>();
  for (const error of errors) {
    const [, name, item] = error.instancePath.split('/');
    const variableName = name ?? (error.keyword === 'required' ? String(error.params['missingProperty']) : '');
    const variable = variables[variableName];
    if (variable === undefined) continue;
    const entry = byVariable.get(variableName) ?? { phrases: new Set<string>(), items: new Map() };
    byVariable.set(variableName, entry);
    const text = phrase(error, variableName, variable);
    if (item === undefined) {
      entry.phrases.add(text);
    } else {
      const index = Number(item);
      entry.items.set(index, (entry.items.get(index) ?? new Set<string>()).add(text));
    }
  }

  const issues: ConfigIssue[] = [];
  for (const name of Object.keys(variables)) {
    const entry = byVariable.get(name);
    if (entry === undefined) continue;
    const variable = variables[name] as VariableSpec;
    const value = raw[name];
    const parts: string[] = [];
    if (entry.phrases.size > 0) {
      const phrases = [...entry.phrases].join('; ');
      parts.push(value === undefined ? phrases : phrasing.got(phrases, shownValue(variable, value)));
    }
    for (const [index, phrases] of entry.items) {
      const itemValue = Array.isArray(value) ? value[index] : undefined;
      const text = [...phrases].join('; ');
      parts.push(
        `item ${index + 1} ${itemValue === undefined ? text : phrasing.got(text, shownValue(variable, itemValue))}`,
      );
    }
    issues.push({ variable: name, message: parts.join('; ') });
  }
  return issues;
}

function shownValue(variable: VariableSpec, value: string | readonly string[]): string {
  if (variable.secret) return '(hidden)';
  const text = typeof value === 'string' ? value : value.join(',');
  const clipped = text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS)}…` : text;
  return JSON.stringify(clipped);
}

// Keywords whose message is the whole expectation of the type ("an integer between 0 and 65535", "one of: a, b").
const EXPECTATION_KEYWORDS = new Set(['type', 'enum', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']);

function phrase(error: ErrorObject, name: string, variable: VariableSpec): string {
  const schema: ValueSchema = variable.schema ?? { type: 'string' };
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') {
    return variable.secret ? `required (set ${name} or ${name}_FILE)` : 'required';
  }
  if (EXPECTATION_KEYWORDS.has(error.keyword)) return phrasing.expected(schema);
  switch (error.keyword) {
    case 'pattern':
      return `must match ${String(params['pattern'])}${variable.example ? ` (e.g. ${variable.example})` : ''}`;
    case 'format':
      return `must be a valid ${String(params['format'])}`;
    case 'minLength':
      return params['limit'] === 1
        ? 'must not be empty'
        : `must be at least ${String(params['limit'])} characters long`;
    case 'maxLength':
      return `must be at most ${String(params['limit'])} characters long`;
    case 'multipleOf':
      return `must be a multiple of ${String(params['multipleOf'])}`;
    default:
      return error.message ?? `fails ${error.keyword}`;
  }
}
