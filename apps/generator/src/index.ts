// The generator's public surface for the rest of the repository (the benchmark builds its data with the generator's
// own seeded event builder): what tools may import without reaching into src/ internals. The app starts from main.ts.
export { createEventBuilder, DEFAULT_BUILDER_OPTIONS } from './core/event-builder';
export type { EventBuilder } from './core/event-builder';
export { createFakerSource } from './core/faker-source';
export { MALFORMED_KINDS } from './core/malformed';
