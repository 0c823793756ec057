// The benchmark's data: the generator's own event builder (apps/generator core), seeded, so every variant of a run
// reads the same events.
import { createEventBuilder, DEFAULT_BUILDER_OPTIONS, type EventBuilder } from '../../../apps/generator/src/core/event-builder';
import { createFakerSource } from '../../../apps/generator/src/core/faker-source';

export function builderFor(seed: number, invalidRatio: number): EventBuilder {
  return createEventBuilder({ ...DEFAULT_BUILDER_OPTIONS, seed, invalidRatio }, createFakerSource);
}
