// Proves the module-boundary rules bite: each case lints a deliberately bad import as if it were a file in a
// project, without writing the file, and expects @nx/enforce-module-boundaries to reject it.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const eslint = new ESLint({ cwd: root });

async function boundaryErrors(file, code) {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  const rules = new Set(['@nx/enforce-module-boundaries', 'no-restricted-imports']);
  return result.messages.filter((m) => rules.has(m.ruleId)).map((m) => m.message);
}

const violations = [
  [
    'a pure lib importing kafkajs',
    'libs/masking/src/bad.ts',
    "import { Kafka } from 'kafkajs';\nexport const k = Kafka;\n",
  ],
  [
    'a pure lib importing node:fs',
    'libs/enrichment/src/bad.ts',
    "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n",
  ],
  [
    'a pure lib importing an adapter',
    'libs/enrichment/src/bad.ts',
    "import { createLogger } from '@login/observability';\nexport const l = createLogger;\n",
  ],
  [
    'the contract lib importing a domain lib',
    'libs/event-schema/src/bad.ts',
    "import { createMasker } from '@login/masking';\nexport const m = createMasker;\n",
  ],
  [
    'an adapter importing another adapter',
    'libs/observability/src/bad.ts',
    "import { loadConfig } from '@login/config';\nexport const c = loadConfig;\n",
  ],
  [
    'an app importing kafkajs directly',
    'apps/processor/src/bad.ts',
    "import { Kafka } from 'kafkajs';\nexport const k = Kafka;\n",
  ],
  [
    'a non-generator app importing faker',
    'apps/dlq-replayer/src/bad.ts',
    "import { faker } from '@faker-js/faker';\nexport const f = faker;\n",
  ],
  ['a lib importing an app', 'libs/kafka/src/bad.ts', "import '../../../apps/processor/src/main';\n"],
];

for (const [name, file, code] of violations) {
  test(`lint rejects ${name}`, async () => {
    const errors = await boundaryErrors(file, code);
    assert.ok(errors.length > 0, `expected a boundary error for ${file}`);
  });
}

test('lint accepts kafkajs inside libs/kafka and libs from apps', async () => {
  assert.deepEqual(
    await boundaryErrors('libs/kafka/src/ok.ts', "import { Kafka } from 'kafkajs';\nexport const k = Kafka;\n"),
    [],
  );
  assert.deepEqual(
    await boundaryErrors(
      'apps/processor/src/ok.ts',
      "import { parseLoginEvent } from '@login/event-schema';\nexport const p = parseLoginEvent;\n",
    ),
    [],
  );
});
