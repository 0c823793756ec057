// The benchmark's data: the generator's own event builder (apps/generator core), seeded, so every variant of a run
// reads the same events.
import {
  createEventBuilder,
  createFakerSource,
  DEFAULT_BUILDER_OPTIONS,
  MALFORMED_KINDS,
  type EventBuilder,
} from '../../../apps/generator/src';

/** `excludeKinds`: malformed kinds to leave out of the generator's mix (e.g. 'oversized', to separate bytes from count). */
export function builderFor(seed: number, invalidRatio: number, excludeKinds: readonly string[] = []): EventBuilder {
  const invalidKinds = MALFORMED_KINDS.filter((k) => !excludeKinds.includes(k.name));
  return createEventBuilder({ ...DEFAULT_BUILDER_OPTIONS, seed, invalidRatio, invalidKinds }, createFakerSource);
}
