import { isEnvironmentName } from './define-config';
import type { ConfigSpec } from './define-config';
import type { VariableSpec, VariableSpecs } from './types';

/**
 * A Markdown table (variable, default, description) of a spec's environment variables, so docs/configuration.md is generated
 * from the same object that validates the environment and cannot drift from it.
 */
export function describeConfig(spec: ConfigSpec<VariableSpecs>): string {
  const environment = Object.entries(spec.variables).filter(([name]) => isEnvironmentName(name));
  const rows = environment.map(([name, variable]) => {
    const nameCell = variable.secret ? `\`${name}\` or \`${name}_FILE\`` : `\`${name}\``;
    return `| ${nameCell} | ${defaultCell(variable)} | ${cell(descriptionOf(name, variable))} |`;
  });
  return ['| variable | default | description |', '|---|---|---|', ...rows].join('\n') + '\n';
}

function defaultCell(variable: VariableSpec): string {
  if (variable.default !== undefined) {
    const text = Array.isArray(variable.default) ? variable.default.join(',') : String(variable.default);
    return `\`${cell(text)}\``;
  }
  return variable.required ? '**required**' : 'unset';
}

function descriptionOf(name: string, variable: VariableSpec): string {
  const parts = [variable.description.trim()];
  const schema = variable.schema;
  if (schema !== undefined && 'enum' in schema && schema.enum !== undefined) {
    parts.push(`One of ${schema.enum.map((value: string | number) => `\`${String(value)}\``).join(', ')}.`);
  }
  if (schema?.type === 'integer' || schema?.type === 'number') {
    if (schema.minimum !== undefined && schema.maximum !== undefined) {
      parts.push(`Range ${schema.minimum}–${schema.maximum}.`);
    }
  }
  if (schema?.type === 'boolean') parts.push('`true` or `false`.');
  if (variable.list) parts.push('Comma-separated list.');
  if (variable.file) parts.push('Path to a file, read at start.');
  if (variable.secret) parts.push(`Secret: never logged; \`${name}_FILE\` may name a file holding it instead.`);
  if (variable.example !== undefined) parts.push(`Example: \`${variable.example}\`.`);
  return parts.join(' ');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
