// The only file of the project that imports @faker-js/faker. Everything else speaks RandomSource.
import { en, Faker } from '@faker-js/faker';
import type { RandomSource, Weighted } from './random';

/**
 * A RandomSource over a private, seeded Faker instance (never the global one, which other code could reseed).
 * The same seed gives the same sequence of values.
 */
export function createFakerSource(seed: number | readonly number[]): RandomSource {
  const faker = new Faker({ locale: [en] });
  faker.seed(typeof seed === 'number' ? seed : [...seed]);
  return {
    float: () => faker.number.float({ min: 0, max: 1 }), // upper bound exclusive
    int: (min, max) => faker.number.int({ min, max }),
    chance: (p) => p > 0 && faker.number.float({ min: 0, max: 1 }) < p,
    pick: <T>(items: readonly T[]): T => faker.helpers.arrayElement(items),
    weighted: <T>(items: readonly Weighted<T>[]): T =>
      faker.helpers.weightedArrayElement(items.map((i) => ({ weight: i.weight, value: i.value }))),
    uuid: () => faker.string.uuid(),
    ipv4: () => faker.internet.ipv4(),
    ipv6: () => faker.internet.ipv6(),
    digits: (pattern) => faker.helpers.replaceSymbols(pattern),
    hostname: () => faker.internet.domainName(),
    word: () => faker.lorem.word().toLowerCase(),
  };
}
