import type { InputEvent, InputReasonCode } from './input-event';
import { epochSecondsString } from './input-event';
import type { MalformedKind } from './malformed';
import { MALFORMED_KINDS } from './malformed';
import type { Population } from './population';
import { createPopulation, HOME_IP_SHARE, IPV6_USER_SHARE } from './population';
import type { RandomSource } from './random';

/** What a record is: a valid event, or the name of the malformed kind it was made as. */
export type RecordKind = 'valid' | string;

/** One record to produce, with what the generator meant it to be. */
export interface GeneratedRecord {
  readonly key: string;
  /** The value bytes; null is a tombstone. */
  readonly value: Buffer | null;
  readonly kind: RecordKind;
  /** The DLQ reason the processor should give it; null for a valid event. */
  readonly expectedReason: InputReasonCode | null;
}

export interface EventBuilderOptions {
  readonly seed: number;
  /** Size of the user population. */
  readonly users: number;
  /** Share of malformed records, 0..1. */
  readonly invalidRatio: number;
  /** The malformed kinds to draw from (all when empty). */
  readonly invalidKinds: readonly MalformedKind[];
  /** Event times lie up to this far in the past (device clocks, network delay). */
  readonly jitterMs: number;
  /** Share of late events (buffered offline, retried): their time lies `minLateMs`..`maxLateMs` in the past. */
  readonly lateRatio: number;
  readonly minLateMs: number;
  readonly maxLateMs: number;
}

export const DEFAULT_BUILDER_OPTIONS: Omit<EventBuilderOptions, 'seed'> = {
  users: 1000,
  invalidRatio: 0,
  invalidKinds: MALFORMED_KINDS,
  jitterMs: 2_000,
  lateRatio: 0.02,
  minLateMs: 60_000,
  maxLateMs: 6 * 3_600_000,
};

export interface EventBuilder {
  /** The next record; `nowMs` only sets clock-derived fields, never which random values are drawn. */
  next(nowMs: number): GeneratedRecord;
}

/**
 * A deterministic record stream: the same seed and options give the same sequence of records, apart from the
 * timestamps (which follow the clock). Randomness comes from `sourceFor`, a seeded source per stream.
 */
export function createEventBuilder(
  options: EventBuilderOptions,
  sourceFor: (seed: readonly number[]) => RandomSource,
): EventBuilder {
  const random = sourceFor([options.seed]);
  const population: Population = createPopulation(options.users, options.seed, (s) => sourceFor([...s, 1]));
  const kinds = options.invalidKinds.length > 0 ? options.invalidKinds : MALFORMED_KINDS;

  function validEvent(nowMs: number): InputEvent {
    // A skewed pick: a minority of users log in much more often than the rest, as in real traffic.
    const u = random.float();
    const user = population.user(Math.min(population.size - 1, Math.floor(population.size * u * u)));
    const device = user.devices.length === 2 && random.chance(0.35) ? user.devices[1] : user.devices[0];
    const ip = random.chance(HOME_IP_SHARE)
      ? user.homeIp
      : random.chance(IPV6_USER_SHARE)
        ? random.ipv6()
        : random.ipv4();
    const ageMs = random.chance(options.lateRatio)
      ? random.int(options.minLateMs, Math.max(options.minLateMs, options.maxLateMs))
      : Math.floor(random.float() * options.jitterMs);
    // The reference field order; device_type is absent for some (older) clients.
    return {
      user_id: user.userId,
      app_version: device.appVersion,
      ...(device.deviceType === undefined ? {} : { device_type: device.deviceType }),
      ip,
      locale: user.locale,
      device_id: device.deviceId,
      timestamp: epochSecondsString(nowMs - ageMs),
    };
  }

  return {
    next(nowMs) {
      const invalid = options.invalidRatio > 0 && random.chance(options.invalidRatio);
      const event = validEvent(nowMs);
      if (!invalid) {
        return {
          key: event.user_id,
          value: Buffer.from(JSON.stringify(event), 'utf8'),
          kind: 'valid',
          expectedReason: null,
        };
      }
      const kind = random.pick(kinds);
      return {
        key: event.user_id,
        value: kind.make(event, { random, nowMs }),
        kind: kind.name,
        expectedReason: kind.reason,
      };
    },
  };
}
