import { defineCommandLine, versionText } from './command-line';
import { defineConfig } from './define-config';
import { helpText } from './help-text';

const options = defineConfig({
  TOPIC: {
    flag: 'topic',
    short: 't',
    placeholder: 'NAME',
    schema: { type: 'string' },
    default: 'in',
    description: 'Topic to read.',
  },
  MODE: {
    flag: 'mode',
    placeholder: 'MODE',
    schema: { type: 'string', enum: ['fast', 'safe'] },
    default: 'safe',
    description: 'How to run.',
  },
  VERBOSE: { flag: 'verbose', schema: { type: 'boolean' }, default: false, description: 'Say more.' },
  sample: {
    flag: 'sample',
    placeholder: 'N',
    schema: { type: 'integer', minimum: 0 },
    default: 3,
    description: 'Records to print.',
  },
});
const connection = defineConfig({
  BROKERS: {
    flag: 'brokers',
    placeholder: 'LIST',
    list: true,
    schema: { type: 'string' },
    default: ['a:1', 'b:2'],
    description: 'Brokers.',
  },
  CLIENT_ID: { schema: { type: 'string' }, description: 'Client id.' },
  PASSWORD: { schema: { type: 'string' }, secret: true, description: 'Password.' },
  CA_FILE: { file: true, description: 'CA certificate.' },
});

const cli = defineCommandLine({
  program: 'tool',
  command: 'run',
  version: '1.2.3',
  about: 'Runs the tool.',
  sections: [
    { title: 'Options', spec: options },
    { title: 'Connection (flags override the environment)', spec: connection },
  ],
  actions: { 'list-modes': 'List the modes, then exit.' },
  epilogue: 'Exit codes: 0 done, 2 bad flag or variable.',
});

describe('helpText', () => {
  it('lists each section, the actions, --help and --version, then the environment-only variables', () => {
    expect(helpText(cli)).toBe(
      [
        'Usage: tool run [options]',
        '',
        'Runs the tool.',
        '',
        'Options:',
        '  -t, --topic NAME    Topic to read. [default in; env TOPIC]',
        '      --mode MODE     How to run. [one of fast, safe; default safe; env MODE]',
        '      --verbose       Say more. [env VERBOSE]',
        '      --sample N      Records to print. [default 3]',
        '      --list-modes    List the modes, then exit.',
        '  -h, --help          Show this help, then exit.',
        '      --version       Print the version, then exit.',
        '',
        'Connection (flags override the environment):',
        '      --brokers LIST  Brokers. [comma-separated; default a:1,b:2; env BROKERS]',
        '',
        'Environment only:',
        '  CLIENT_ID           Client id.',
        '  PASSWORD            Password. [or PASSWORD_FILE]',
        '  CA_FILE             CA certificate. [a file path]',
        '',
        'Exit codes: 0 done, 2 bad flag or variable.',
      ].join('\n'),
    );
  });

  it('wraps long descriptions under their column and keeps the facts on one line where they fit', () => {
    const long = defineConfig({
      LONG: {
        flag: 'long',
        placeholder: 'X',
        schema: { type: 'string' },
        default: 'x',
        description: 'word '.repeat(40).trim(),
      },
    });
    const lines = helpText(
      defineCommandLine({ program: 'p', version: '1', about: '', sections: [{ title: 'Options', spec: long }] }),
    ).split('\n');
    const row = lines.slice(lines.indexOf('Options:') + 1, lines.indexOf('Options:') + 4);
    expect(row).toEqual([
      `      --long X   ${'word '.repeat(20).trim()}`,
      `                 ${'word '.repeat(20).trim()}`,
      '                 [default x; env LONG]',
    ]);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(118);
  });
});

describe('versionText', () => {
  it('is the program (without its command) and its version', () => {
    expect(versionText(cli)).toBe('tool 1.2.3');
  });
});
