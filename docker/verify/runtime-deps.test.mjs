// What the runtime images install: dist/apps/<app>/package.json and package-lock.json (written by the esbuild
// executor's generatePackageJson, installed by `npm ci --omit=dev` in the runtime stage) must list exactly the
// packages main.js require()s, nothing more. kafkajs is bundled into main.js with the fixes of patches/; a copy in
// /app/node_modules would be unused and unpatched. @faker-js/faker is the generator's alone.
// Needs the apps built:  npx nx run-many -t build -p processor generator dlq-replayer && node --test docker/verify/runtime-deps.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const APPS = ['processor', 'generator', 'dlq-replayer'];

// Packages that must never be installed beside main.js, and the apps allowed to have them anyway.
const FORBIDDEN = [
  { name: 'kafkajs', allowedIn: [], why: 'bundled (patched) into main.js' },
  { name: '@faker-js/faker', allowedIn: ['generator'], why: 'only the generator makes fake data' },
];

const builtins = new Set(builtinModules);

// 'ajv/dist/2020' -> 'ajv', '@scope/pkg/x' -> '@scope/pkg'; builtins (node:fs, zlib) -> null.
function packageOf(specifier) {
  if (specifier.startsWith('node:') || builtins.has(specifier) || specifier.startsWith('.')) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

// esbuild writes every external as a literal require("name") call.
export function requiredPackages(mainJs) {
  const names = [...mainJs.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => packageOf(m[1]));
  return [...new Set(names.filter(Boolean))].sort();
}

export function runtimeDepProblems(app, { packageJson, lockfile, mainJs }) {
  const declared = Object.keys(packageJson.dependencies ?? {}).sort();
  const required = requiredPackages(mainJs);
  const locked = Object.keys(lockfile.packages ?? {})
    .filter((key) => key.startsWith('node_modules/'))
    .map((key) => key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length));
  const problems = [];
  for (const name of declared.filter((n) => !required.includes(n))) {
    problems.push(`${app}: package.json lists ${name}, which main.js never requires`);
  }
  for (const name of required.filter((n) => !declared.includes(n))) {
    problems.push(`${app}: main.js requires ${name}, which package.json does not list`);
  }
  for (const { name, allowedIn, why } of FORBIDDEN) {
    if (allowedIn.includes(app)) continue;
    if (declared.includes(name) || locked.includes(name)) {
      problems.push(`${app}: ${name} in the runtime package.json or lockfile (${why})`);
    }
  }
  return problems;
}

const lock = (...names) => ({ packages: Object.fromEntries(names.map((n) => [`node_modules/${n}`, {}])) });
const main = (...names) => names.map((n) => `var x = require("${n}");`).join('\n');

describe('runtime dependency rule', () => {
  const cases = [
    {
      name: 'exact match passes',
      app: 'processor',
      input: {
        packageJson: { dependencies: { ajv: '8' } },
        lockfile: lock('ajv'),
        mainJs: main('ajv/dist/2020', 'node:fs', 'zlib'),
      },
      problems: [],
    },
    {
      name: 'kafkajs listed but bundled',
      app: 'processor',
      input: {
        packageJson: { dependencies: { ajv: '8', kafkajs: '2' } },
        lockfile: lock('ajv', 'kafkajs'),
        mainJs: main('ajv'),
      },
      problems: [
        'processor: package.json lists kafkajs, which main.js never requires',
        'processor: kafkajs in the runtime package.json or lockfile (bundled (patched) into main.js)',
      ],
    },
    {
      name: 'kafkajs pulled in only through the lockfile',
      app: 'dlq-replayer',
      input: { packageJson: { dependencies: {} }, lockfile: lock('x/node_modules/kafkajs'), mainJs: '' },
      problems: ['dlq-replayer: kafkajs in the runtime package.json or lockfile (bundled (patched) into main.js)'],
    },
    {
      name: 'faker outside the generator',
      app: 'dlq-replayer',
      input: {
        packageJson: { dependencies: { '@faker-js/faker': '9' } },
        lockfile: lock('@faker-js/faker'),
        mainJs: main('@faker-js/faker'),
      },
      problems: [
        'dlq-replayer: @faker-js/faker in the runtime package.json or lockfile (only the generator makes fake data)',
      ],
    },
    {
      name: 'faker in the generator, which requires it',
      app: 'generator',
      input: {
        packageJson: { dependencies: { '@faker-js/faker': '9' } },
        lockfile: lock('@faker-js/faker'),
        mainJs: main('@faker-js/faker'),
      },
      problems: [],
    },
    {
      name: 'a required package missing from package.json',
      app: 'generator',
      input: { packageJson: { dependencies: {} }, lockfile: lock(), mainJs: main('winston') },
      problems: ['generator: main.js requires winston, which package.json does not list'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(runtimeDepProblems(c.app, c.input), c.problems));
  }
});

describe('dist/apps/<app>: the runtime package.json lists exactly what main.js requires', () => {
  for (const app of APPS) {
    it(app, () => {
      const dir = path.join(repoRoot, 'dist/apps', app);
      const read = (file) => {
        const p = path.join(dir, file);
        assert.ok(fs.existsSync(p), `${p} missing: build first (npx nx run-many -t build -p ${APPS.join(' ')})`);
        return fs.readFileSync(p, 'utf8');
      };
      const input = {
        packageJson: JSON.parse(read('package.json')),
        lockfile: JSON.parse(read('package-lock.json')),
        mainJs: read('main.js'),
      };
      assert.deepEqual(runtimeDepProblems(app, input), []);
      assert.ok(
        requiredPackages(input.mainJs).length > 0,
        `${app}: no require() of a package found in main.js: has the bundle format changed?`,
      );
    });
  }
});
