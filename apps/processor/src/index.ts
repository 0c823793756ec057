// The processor's public surface for the rest of the repository (the benchmark runs its pure core on real data):
// what tools may import without reaching into src/ internals. The service itself starts from main.ts.
export { processorConfigSpec } from './config';
export { processBatch } from './core/process-batch';
export type { ProcessDeps } from './core/process-batch';
