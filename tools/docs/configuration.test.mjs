// docs/configuration.md shows each CLI's --help verbatim; this test keeps the two equal (the apps are built by `npm test`
// before the tool tests run). After changing a flag: `npx nx run-many -t build && UPDATE_DOCS=1 node --test tools/docs/`.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const docPath = path.join(root, 'docs', 'configuration.md');

const blocks = [
  ['generator', ['apps/generator', '--help']],
  ['dlq-replayer', ['apps/dlq-replayer', '--help']],
  ['dlq-replayer-inspect', ['apps/dlq-replayer', 'inspect', '--help']],
  ['dlq-replayer-replay', ['apps/dlq-replayer', 'replay', '--help']],
];

for (const [name, [app, ...args]] of blocks) {
  test(`docs/configuration.md shows the current \`${[path.basename(app), ...args].join(' ')}\``, () => {
    const main = path.join(root, 'dist', app, 'main.js');
    assert.ok(fs.existsSync(main), `${main} is missing: build the apps first`);
    const help = execFileSync(process.execPath, [main, ...args], { encoding: 'utf8' }).trimEnd();
    const start = `<!-- help:${name}:start -->`;
    const end = `<!-- help:${name}:end -->`;
    const doc = fs.readFileSync(docPath, 'utf8');
    const from = doc.indexOf(start);
    const to = doc.indexOf(end);
    assert.ok(from >= 0 && to > from, `docs/configuration.md has no ${start} … ${end} block`);
    const block = `${start}\n\`\`\`text\n${help}\n\`\`\`\n${end}`;
    if (process.env.UPDATE_DOCS === '1') {
      fs.writeFileSync(docPath, doc.slice(0, from) + block + doc.slice(to + end.length));
      return;
    }
    assert.equal(doc.slice(from, to + end.length), block);
  });
}
