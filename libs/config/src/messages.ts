import type { ErrorObject } from 'ajv';
import type { ConfigIssue, ValueSchema, VariableSpec, VariableSpecs } from './types';

/** What the operator typed, before coercion: shown in errors (never for secrets). */
export type RawValues = Readonly<Record<string, string | readonly string[] | undefined>>;

const MAX_SHOWN_CHARS = 100;

/**
 * Turns ajv's errors into one human sentence per variable, e.g.
 * `HTTP_PORT: must be an integer between 0 and 65535 (got "abc")`. Secrets say `(got (hidden))`.
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
      const shown = value === undefined ? '' : ` ${shownValue(variable, value)}`;
      parts.push(`${[...entry.phrases].join('; ')}${shown}`);
    }
    for (const [index, phrases] of entry.items) {
      const itemValue = Array.isArray(value) ? value[index] : undefined;
      const shown = itemValue === undefined ? '' : ` ${shownValue(variable, itemValue)}`;
      parts.push(`item ${index + 1} ${[...phrases].join('; ')}${shown}`);
    }
    issues.push({ variable: name, message: parts.join('; ') });
  }
  return issues;
}

function shownValue(variable: VariableSpec, value: string | readonly string[]): string {
  if (variable.secret) return '(got (hidden))';
  const text = typeof value === 'string' ? value : value.join(',');
  const clipped = text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS)}…` : text;
  return `(got ${JSON.stringify(clipped)})`;
}

const NUMERIC_KEYWORDS = new Set(['type', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']);

function phrase(error: ErrorObject, name: string, variable: VariableSpec): string {
  const schema: ValueSchema = variable.schema ?? { type: 'string' };
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') {
    return variable.secret ? `required (set ${name} or ${name}_FILE)` : 'required';
  }
  if ((schema.type === 'integer' || schema.type === 'number') && NUMERIC_KEYWORDS.has(error.keyword)) {
    return numberExpectation(schema);
  }
  switch (error.keyword) {
    case 'type':
      return schema.type === 'boolean' ? 'must be true or false' : `must be ${article(String(params['type']))}`;
    case 'enum':
      return `must be one of: ${(params['allowedValues'] as unknown[]).map(String).join(', ')}`;
    case 'pattern':
      return `must match ${String(params['pattern'])}${variable.example ? ` (e.g. ${variable.example})` : ''}`;
    case 'format':
      return `must be a valid ${String(params['format'])}`;
    case 'minLength':
      return `must be at least ${String(params['limit'])} characters long`;
    case 'maxLength':
      return `must be at most ${String(params['limit'])} characters long`;
    case 'multipleOf':
      return `must be a multiple of ${String(params['multipleOf'])}`;
    default:
      return error.message ?? `fails ${error.keyword}`;
  }
}

/** The whole expectation at once ("an integer between 0 and 65535") rather than the one bound that failed. */
function numberExpectation(schema: Extract<ValueSchema, { type: 'integer' | 'number' }>): string {
  const noun = schema.type === 'integer' ? 'an integer' : 'a number';
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = schema;
  if (minimum !== undefined && maximum !== undefined) return `must be ${noun} between ${minimum} and ${maximum}`;
  const bounds: string[] = [];
  if (minimum !== undefined) bounds.push(`at least ${minimum}`);
  if (exclusiveMinimum !== undefined) bounds.push(`greater than ${exclusiveMinimum}`);
  if (maximum !== undefined) bounds.push(`at most ${maximum}`);
  if (exclusiveMaximum !== undefined) bounds.push(`less than ${exclusiveMaximum}`);
  return bounds.length === 0 ? `must be ${noun}` : `must be ${noun} ${bounds.join(' and ')}`;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
