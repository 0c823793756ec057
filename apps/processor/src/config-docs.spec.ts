import fs from 'node:fs';
import path from 'node:path';
import { describeConfig } from '@login/config';
import { processorConfigSpec } from './config';

// The README's configuration table is generated from the spec; this keeps them equal.
// After changing a variable: UPDATE_DOCS=1 npx nx test processor
const README = path.resolve(__dirname, '../../../README.md');
const START = '<!-- config:processor:start -->';
const END = '<!-- config:processor:end -->';

it('README documents every processor variable exactly as the config spec defines it', () => {
  const readme = fs.readFileSync(README, 'utf8');
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  expect(from).toBeGreaterThan(-1);
  expect(to).toBeGreaterThan(from);
  const table = `${START}\n${describeConfig(processorConfigSpec).trim()}\n${END}`;
  if (process.env['UPDATE_DOCS'] === '1') {
    fs.writeFileSync(README, readme.slice(0, from) + table + readme.slice(to + END.length));
    return;
  }
  expect(readme.slice(from, to + END.length)).toBe(table);
});
