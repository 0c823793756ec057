import { BUILT_IN_FLAGS, isSwitch } from './command-line';
import type { CommandLine } from './command-line';
import { isEnvironmentName } from './define-config';
import type { VariableSpec, VariableSpecs } from './types';

const WIDTH = 118;
const MAX_NAME_COLUMN = 30;

interface Row {
  readonly name: string;
  readonly text: string;
  /** `[default 100; env GENERATOR_RATE]`: kept on one line where it fits. */
  readonly facts?: string;
}

/**
 * The --help of a command line, generated from its spec: each section's flags with their description, choices,
 * default and environment variable, then the environment variables that have no flag, then the epilogue.
 */
export function helpText(cli: CommandLine<VariableSpecs, string>): string {
  const variables: VariableSpecs = cli.spec.variables;
  const sections = cli.sections.map((section, index) => ({
    title: section.title,
    rows: [
      ...section.names.flatMap((name) => {
        const variable = variables[name] as VariableSpec;
        return variable.flag === undefined ? [] : [flagRow(name, variable)];
      }),
      ...(index === 0 ? builtInRows(cli.actions) : []),
    ],
  }));
  const environmentOnly = Object.entries(variables)
    .filter(([name, variable]) => variable.flag === undefined && isEnvironmentName(name))
    .map(([name, variable]) => ({ name, ...describe(variable, variable.secret ? [`or ${name}_FILE`] : []) }));
  if (environmentOnly.length > 0) sections.push({ title: 'Environment only', rows: environmentOnly });

  const nameColumn = Math.min(
    MAX_NAME_COLUMN,
    Math.max(...sections.flatMap((s) => s.rows.map((row) => row.name.length))),
  );
  return [
    `Usage: ${cli.usage} [options]`,
    '',
    cli.about.trim(),
    ...sections.flatMap((section) => [
      '',
      `${section.title}:`,
      ...section.rows.flatMap((row) => renderRow(row, nameColumn)),
    ]),
    ...(cli.epilogue.trim() === '' ? [] : ['', cli.epilogue.trim()]),
  ].join('\n');
}

function flagRow(name: string, variable: VariableSpec): Row {
  const short = variable.short === undefined ? '    ' : `-${variable.short}, `;
  const value = isSwitch(variable) ? '' : ` ${variable.placeholder ?? 'VALUE'}`;
  const env = isEnvironmentName(name) ? [`env ${name}`] : [];
  return { name: `${short}--${variable.flag ?? ''}${value}`, ...describe(variable, env) };
}

function builtInRows(actions: Readonly<Record<string, string>>): Row[] {
  return [
    ...Object.entries(actions).map(([flag, description]) => ({ name: `    --${flag}`, text: description })),
    { name: `-${BUILT_IN_FLAGS.help.short}, --help`, text: BUILT_IN_FLAGS.help.description },
    { name: '    --version', text: BUILT_IN_FLAGS.version.description },
  ];
}

/** The description, and its facts: `[one of a, b; default a; env NAME]`. */
function describe(variable: VariableSpec, trailing: readonly string[]): { text: string; facts?: string } {
  const facts: string[] = [];
  const schema = variable.schema;
  if (schema !== undefined && 'enum' in schema && schema.enum !== undefined) {
    facts.push(`one of ${schema.enum.map(String).join(', ')}`);
  }
  if (variable.list) facts.push('comma-separated');
  if (variable.file) facts.push('a file path');
  if (variable.required && variable.default === undefined) facts.push('required');
  const fallback = defaultText(variable);
  if (fallback !== undefined) facts.push(`default ${fallback}`);
  facts.push(...trailing);
  return facts.length === 0
    ? { text: variable.description }
    : { text: variable.description, facts: `[${facts.join('; ')}]` };
}

// A switch that is off by default says nothing by saying "default false".
function defaultText(variable: VariableSpec): string | undefined {
  const value = variable.default;
  if (value === undefined || value === false) return undefined;
  return Array.isArray(value) ? value.join(',') : String(value);
}

function renderRow(row: Row, nameColumn: number): string[] {
  const indent = 2 + nameColumn + 2;
  const lines = wrap(row.text, WIDTH - indent);
  if (row.facts !== undefined) {
    const last = lines[lines.length - 1] ?? '';
    if (last.length + 1 + row.facts.length <= WIDTH - indent) lines[lines.length - 1] = `${last} ${row.facts}`;
    else lines.push(...wrap(row.facts, WIDTH - indent));
  }
  const first = row.name.length > nameColumn ? [`  ${row.name}`] : [];
  const body = lines.map((line, index) =>
    index === 0 && first.length === 0 ? `  ${row.name.padEnd(nameColumn)}  ${line}` : `${' '.repeat(indent)}${line}`,
  );
  return [...first, ...body];
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  return [...lines, line];
}
