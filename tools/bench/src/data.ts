// The benchmark's data: the generator's own event builder (apps/generator core), seeded, so every variant of a run
// reads the same events.
import {
  createEventBuilder,
  DEFAULT_BUILDER_OPTIONS,
  type EventBuilder,
} from '../../../apps/generator/src/core/event-builder';
import { createFakerSource } from '../../../apps/generator/src/core/faker-source';
import { MALFORMED_KINDS } from '../../../apps/generator/src/core/malformed';

/** `excludeKinds`: malformed kinds to leave out of the generator's mix (e.g. 'oversized', to separate bytes from count). */
export function builderFor(seed: number, invalidRatio: number, excludeKinds: readonly string[] = []): EventBuilder {
  const invalidKinds = MALFORMED_KINDS.filter((k) => !excludeKinds.includes(k.name));
  return createEventBuilder({ ...DEFAULT_BUILDER_OPTIONS, seed, invalidRatio, invalidKinds }, createFakerSource);
}
