// README.md is the front door (issue 22): short, with the details in docs/. CI (.ci/run) runs the README's test
// command, so the README must state the command CI runs, in the form a newcomer types it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

test('README.md stays a front door of at most 150 lines', () => {
  const lines = readme.trimEnd().split('\n').length;
  assert.ok(lines <= 150, `README.md has ${lines} lines; move details to docs/`);
});

test('README.md states the test command that .ci/run runs', () => {
  const ci = fs.readFileSync(path.join(root, '.ci', 'run'), 'utf8');
  assert.match(ci, /^npm test$/m, '.ci/run no longer runs `npm test`');
  assert.match(readme, /^npm ci && npm test\b/m, 'README.md no longer shows `npm ci && npm test`');
});

test('README.md holds no generated section: those live in docs/configuration.md', () => {
  assert.doesNotMatch(readme, /<!-- (config|help):/);
});
