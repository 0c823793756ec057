import fs from 'node:fs';
import path from 'node:path';
import { describeConfig } from '@login/config';
import { processorConfigSpec } from './config';

// docs/configuration.md's processor table is generated from the spec; this keeps them equal.
// After changing a variable: UPDATE_DOCS=1 npx nx test processor
const DOC = path.resolve(__dirname, '../../../docs/configuration.md');
const START = '<!-- config:processor:start -->';
const END = '<!-- config:processor:end -->';

it('docs/configuration.md documents every processor variable exactly as the config spec defines it', () => {
  const doc = fs.readFileSync(DOC, 'utf8');
  const from = doc.indexOf(START);
  const to = doc.indexOf(END);
  expect(from).toBeGreaterThan(-1);
  expect(to).toBeGreaterThan(from);
  const table = `${START}\n${describeConfig(processorConfigSpec).trim()}\n${END}`;
  if (process.env['UPDATE_DOCS'] === '1') {
    fs.writeFileSync(DOC, doc.slice(0, from) + table + doc.slice(to + END.length));
    return;
  }
  expect(doc.slice(from, to + END.length)).toBe(table);
});
