export { systemClock } from './clock';
export type { Clock } from './clock';
export { eventIdFor } from './event-id';
export type { SourceCoordinates } from './event-id';
export { DEFAULT_DEVICE_TYPE, enrich, processedAtText } from './enrich';
export type { EnrichContext, MaskedFields } from './enrich';
