import fs from 'node:fs';
import path from 'node:path';

const PROCESSOR_VALUES = path.resolve(__dirname, '../../../../docker/helm/values/processor.yaml');
const RUNTIME_VARIABLES = ['NODE_OPTIONS', 'MALLOC_ARENA_MAX'] as const;

/**
 * The V8 and allocator variables the processor is deployed with (its Helm values), so every test processor runs
 * under the heap bound a pod has: a hostile record that needs more heap fails here, not in production.
 */
export function deployedRuntimeEnv(): Record<string, string> {
  deployed ??= readRuntimeEnv();
  return deployed;
}

let deployed: Record<string, string> | undefined;

function readRuntimeEnv(): Record<string, string> {
  const text = fs.readFileSync(PROCESSOR_VALUES, 'utf8');
  const env: Record<string, string> = {};
  for (const name of RUNTIME_VARIABLES) {
    const match = new RegExp(`^\\s+${name}:\\s*'([^']*)'\\s*$`, 'm').exec(text);
    if (match?.[1] !== undefined) env[name] = match[1];
  }
  return env;
}
