import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deployedRuntimeEnv, runtimeEnvOf } from './deployed-runtime.mjs';

test('reads only the runtime variables of a values env map', () => {
  const values =
    "env:\n  SUMMARY_INTERVAL_MS: '10000'\n  NODE_OPTIONS: '--max-old-space-size=64'\n  MALLOC_ARENA_MAX: '2'\n";
  assert.deepEqual(runtimeEnvOf(values), { NODE_OPTIONS: '--max-old-space-size=64', MALLOC_ARENA_MAX: '2' });
  assert.deepEqual(runtimeEnvOf('env: {}\n'), {});
});

test("the processor's Helm values bound its heap; BENCH_APP_NODE_OPTIONS overrides, '' restores Node's defaults", () => {
  const deployed = deployedRuntimeEnv({});
  assert.match(deployed.NODE_OPTIONS, /--max-old-space-size=\d+/);
  assert.equal(
    deployedRuntimeEnv({ BENCH_APP_NODE_OPTIONS: '--max-old-space-size=99' }).NODE_OPTIONS,
    '--max-old-space-size=99',
  );
  assert.equal(deployedRuntimeEnv({ BENCH_APP_NODE_OPTIONS: '' }).NODE_OPTIONS, undefined);
  assert.equal(deployedRuntimeEnv({ BENCH_APP_NODE_OPTIONS: '' }).MALLOC_ARENA_MAX, deployed.MALLOC_ARENA_MAX);
});
