/**
 * The randomness the generator draws from. One seeded source per run: the same seed gives the same sequence of
 * draws, so the same events (apart from clock-derived fields). Implemented over a seeded Faker in faker-source.ts,
 * the only file that imports faker.
 */
export interface RandomSource {
  /** A float in [0, 1). */
  float(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  weighted<T>(items: readonly Weighted<T>[]): T;
  uuid(): string;
  ipv4(): string;
  ipv6(): string;
  /** Replaces every `#` with a digit: `###-##-####` → `593-47-5928`. */
  digits(pattern: string): string;
  /** A plausible host name (`login.example.net`). */
  hostname(): string;
  /** A lowercase word. */
  word(): string;
}

export interface Weighted<T> {
  readonly weight: number;
  readonly value: T;
}

/** Creates a RandomSource for a seed; `derive` gives an independent source for a sub-stream (e.g. one user). */
export interface RandomSourceFactory {
  (seed: number | readonly number[]): RandomSource;
}
