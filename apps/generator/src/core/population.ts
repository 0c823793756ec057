import type { RandomSource, Weighted } from './random';

/**
 * The simulated user base. Users are drawn from a bounded population, so the same users log in again and again,
 * each from one or two devices of their own (a phone and maybe a tablet), mostly from a home address.
 */

/** App versions in the field: most users on the latest releases, a tail on old ones. */
export const APP_VERSIONS: readonly Weighted<string>[] = [
  { weight: 34, value: '2.3.0' },
  { weight: 22, value: '2.2.1' },
  { weight: 14, value: '2.3.1' },
  { weight: 10, value: '2.2.0' },
  { weight: 8, value: '2.1.4' },
  { weight: 6, value: '2.0.9' },
  { weight: 4, value: '1.9.12' },
  { weight: 2, value: '3.0.0' },
];

/** Device types; `undefined` = the field is absent (older clients), which the processor defaults to "unknown". */
export const DEVICE_TYPES: readonly Weighted<string | undefined>[] = [
  { weight: 55, value: 'android' },
  { weight: 40, value: 'iOS' },
  { weight: 5, value: undefined },
];

/** Locales: country codes as the reference generator sends them, plus some language-region tags. */
export const LOCALES: readonly Weighted<string>[] = [
  { weight: 16, value: 'US' },
  { weight: 10, value: 'IN' },
  { weight: 8, value: 'BR' },
  { weight: 7, value: 'RU' },
  { weight: 7, value: 'DE' },
  { weight: 6, value: 'GB' },
  { weight: 5, value: 'FR' },
  { weight: 5, value: 'JP' },
  { weight: 4, value: 'MX' },
  { weight: 4, value: 'ID' },
  { weight: 3, value: 'TR' },
  { weight: 3, value: 'NG' },
  { weight: 3, value: 'CA' },
  { weight: 3, value: 'es-ES' },
  { weight: 3, value: 'en-US' },
  { weight: 2, value: 'pt-BR' },
  { weight: 2, value: 'de-DE' },
  { weight: 2, value: 'KR' },
  { weight: 2, value: 'PL' },
  { weight: 2, value: 'AU' },
];

/** Share of users whose home connection is IPv6. */
export const IPV6_USER_SHARE = 0.12;
/** Share of a user's logins from their home address (the rest: mobile networks, travel, VPNs). */
export const HOME_IP_SHARE = 0.7;
/** Share of users with a second device. */
export const SECOND_DEVICE_SHARE = 0.3;

export interface Device {
  readonly deviceId: string;
  readonly deviceType: string | undefined;
  readonly appVersion: string;
}

export interface User {
  readonly userId: string;
  readonly locale: string;
  readonly homeIp: string;
  readonly devices: readonly [Device] | readonly [Device, Device];
}

/** Device ids in the upstream format: `593-47-5928`. */
export const DEVICE_ID_PATTERN = '###-##-####';

function makeDevice(random: RandomSource): Device {
  return {
    deviceId: random.digits(DEVICE_ID_PATTERN),
    deviceType: random.weighted(DEVICE_TYPES),
    appVersion: random.weighted(APP_VERSIONS),
  };
}

/** Builds one user from its own random source (derived from the run's seed and the user's index). */
export function makeUser(random: RandomSource): User {
  const userId = random.uuid();
  const locale = random.weighted(LOCALES);
  const homeIp = random.chance(IPV6_USER_SHARE) ? random.ipv6() : random.ipv4();
  const first = makeDevice(random);
  const devices: User['devices'] = random.chance(SECOND_DEVICE_SHARE) ? [first, makeDevice(random)] : [first];
  return { userId, locale, homeIp, devices };
}

export interface Population {
  readonly size: number;
  /** The user at `index` (0 ≤ index < size); the same index always gives the same user. */
  user(index: number): User;
}

/**
 * A population of `size` users, built lazily: user `i` comes from a source seeded with `[seed, i]`, so startup
 * costs nothing for a million users and a user does not depend on which other users were drawn before.
 */
export function createPopulation(
  size: number,
  seed: number,
  sourceFor: (seed: readonly number[]) => RandomSource,
): Population {
  const cache = new Map<number, User>();
  return {
    size,
    user(index) {
      let user = cache.get(index);
      if (user === undefined) {
        user = makeUser(sourceFor([seed, index]));
        cache.set(index, user);
      }
      return user;
    },
  };
}
