// The processor app runs in the bench with the runtime settings it is deployed with: the V8 and allocator variables
// of its Helm values (docker/helm/values/processor.yaml), so the RSS the bench reports is the one a pod would see.
// BENCH_APP_NODE_OPTIONS overrides NODE_OPTIONS (an empty value: Node's defaults), to compare.
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './runtime.mjs';

export const PROCESSOR_VALUES = path.join(repoRoot, 'docker/helm/values/processor.yaml');
const RUNTIME_VARIABLES = ['NODE_OPTIONS', 'MALLOC_ARENA_MAX'];

/** `NAME: 'value'` lines of a values file's env map, for the runtime variables only (no YAML parser needed). */
export function runtimeEnvOf(valuesText) {
  const env = {};
  for (const name of RUNTIME_VARIABLES) {
    const match = new RegExp(`^\\s+${name}:\\s*'([^']*)'\\s*$`, 'm').exec(valuesText);
    if (match) env[name] = match[1];
  }
  return env;
}

/** The processor's deployed runtime variables, with BENCH_APP_NODE_OPTIONS applied. */
export function deployedRuntimeEnv(environment = process.env) {
  const env = runtimeEnvOf(fs.readFileSync(PROCESSOR_VALUES, 'utf8'));
  const override = environment.BENCH_APP_NODE_OPTIONS;
  if (override === undefined) return env;
  const { NODE_OPTIONS: _deployed, ...rest } = env;
  return override === '' ? rest : { ...rest, NODE_OPTIONS: override };
}
