import type { KafkaClientSettings, ReadFile } from '@login/config';
import {
  ConfigError,
  composeConfig,
  defineCommandLine,
  defineConfig,
  helpText as commandLineHelp,
  httpServerConfigSpec,
  kafkaConfigSpec,
  loggingConfigSpec,
  PACKAGE_VERSION,
  readCommandLine,
  settingSubject,
  toKafkaClientConfig,
  topicNameSchema,
  versionText as commandLineVersion,
} from '@login/config';
import { DEFAULT_TOPICS } from '@login/event-schema';
import type { LogFormat, LogLevel } from '@login/observability';
import type { MalformedKind } from './core/malformed';
import { MALFORMED_KIND_NAMES, malformedKind } from './core/malformed';

/**
 * The generator's configuration: command-line flags and environment variables (for containers) over defaults; a
 * flag overrides its variable. Every setting is declared once below; --help, validation and the error messages come
 * from that declaration. Every wrong flag or variable is named in one ConfigError; app.ts prints it and exits 2.
 */

export { ConfigError };

export type ProgressMode = 'auto' | 'bar' | 'log' | 'off';

export interface GeneratorConfig {
  readonly topic: string;
  readonly count?: number;
  readonly durationMs?: number;
  readonly rate: number;
  readonly invalidRatio: number;
  readonly invalidKinds: readonly MalformedKind[];
  readonly seed: number;
  readonly seedGiven: boolean;
  readonly users: number;
  readonly batchSize: number;
  readonly maxInFlight: number;
  readonly jitterMs: number;
  readonly lateRatio: number;
  readonly maxLateMs: number;
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly progress: ProgressMode;
  readonly httpPort: number;
  readonly httpHost: string;
  readonly httpMaxConnections: number;
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
  readonly kafka: KafkaClientSettings;
}

export type ConfigResult =
  { action: 'help' } | { action: 'version' } | { action: 'list-kinds' } | { action: 'run'; config: GeneratorConfig };

// ---- value parsers: each returns the value or throws an Error whose message says what was expected ----

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: MINUTE_MS, h: 3_600_000, d: DAY_MS };

/** `1500ms`, `30s`, `5m`, `1h30m`, `2d`; a bare number is seconds. */
export function parseDuration(raw: string): number {
  const text = raw.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new Error(`must be a duration like 30s, 5m, 1h30m or 500ms (got "${raw}")`);
  }
  return Math.round(parts.reduce((ms, p) => ms + Number(p[1]) * (UNITS[p[2] ?? ''] ?? 0), 0));
}

function maxLate(raw: string): number {
  const ms = parseDuration(raw);
  if (ms < MINUTE_MS || ms > 30 * DAY_MS) throw new Error(`must be a duration from 1m to 30d (got "${raw}")`);
  return ms;
}

/** `all` (every kind) or a comma-separated list of kind names; `[]` means all. */
export function parseKinds(raw: string): MalformedKind[] {
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0 || (names.length === 1 && names[0] === 'all')) return [];
  const unknown = names.filter((n) => malformedKind(n) === undefined);
  if (unknown.length > 0) {
    throw new Error(
      `unknown kind${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}; known: ${MALFORMED_KIND_NAMES.join(', ')}`,
    );
  }
  return [...new Set(names)].map((n) => malformedKind(n) as MalformedKind);
}

const generatorSettings = defineConfig({
  INPUT_TOPIC: {
    flag: 'topic',
    short: 't',
    placeholder: 'NAME',
    schema: topicNameSchema,
    default: DEFAULT_TOPICS.input,
    description: 'Topic to produce to.',
  },
  GENERATOR_COUNT: {
    flag: 'count',
    short: 'n',
    placeholder: 'N',
    schema: { type: 'integer', minimum: 0 },
    description: 'Stop after N records (0 or unset: no limit).',
  },
  GENERATOR_DURATION: {
    flag: 'duration',
    short: 'd',
    placeholder: 'TIME',
    parse: parseDuration,
    description: 'Stop after this long: 30s, 5m, 1h30m (0 or unset: no limit).',
  },
  GENERATOR_RATE: {
    flag: 'rate',
    short: 'r',
    placeholder: 'N',
    schema: { type: 'number', minimum: 0, maximum: 10_000_000 },
    default: 100,
    description: 'Events per second (token bucket); 0: as fast as the broker takes them.',
  },
  GENERATOR_INVALID_RATIO: {
    flag: 'invalid-ratio',
    placeholder: 'X',
    schema: { type: 'number', minimum: 0, maximum: 1 },
    default: 0,
    description: 'Share of malformed records, 0..1 (0.1 = 10%).',
  },
  GENERATOR_INVALID_KINDS: {
    flag: 'invalid-kinds',
    placeholder: 'A,B',
    parse: parseKinds,
    default: 'all',
    description: 'Malformed kinds to draw from (see --list-kinds).',
  },
  GENERATOR_SEED: {
    flag: 'seed',
    placeholder: 'N',
    // `random` (or unset): a new seed each run, printed in the summary.
    parse: (text) => (text === 'random' ? undefined : text),
    schema: { type: 'integer', minimum: 0, maximum: 0xffff_ffff },
    description:
      'Random seed 0..4294967295 (unset or random: a new one); the same seed gives the same event contents (timestamps follow the clock).',
  },
  GENERATOR_USERS: {
    flag: 'users',
    placeholder: 'N',
    schema: { type: 'integer', minimum: 1, maximum: 100_000_000 },
    default: 1000,
    description: 'Size of the user population (users log in repeatedly, 1-2 devices each).',
  },
  GENERATOR_BATCH_SIZE: {
    flag: 'batch-size',
    placeholder: 'N',
    schema: { type: 'integer', minimum: 1, maximum: 100_000 },
    default: 1000,
    description: 'Records per produce request.',
  },
  GENERATOR_MAX_IN_FLIGHT: {
    flag: 'max-in-flight',
    placeholder: 'N',
    schema: { type: 'integer', minimum: 1, maximum: 64 },
    default: 4,
    description: 'Batches awaiting acknowledgement at most.',
  },
  GENERATOR_JITTER: {
    flag: 'jitter',
    placeholder: 'TIME',
    parse: parseDuration,
    default: '2s',
    description: 'Event times lie up to this far in the past.',
  },
  GENERATOR_LATE_RATIO: {
    flag: 'late-ratio',
    placeholder: 'X',
    schema: { type: 'number', minimum: 0, maximum: 1 },
    default: 0.02,
    description: 'Share of late events (1 minute to --max-late old).',
  },
  GENERATOR_MAX_LATE: {
    flag: 'max-late',
    placeholder: 'TIME',
    parse: maxLate,
    default: '6h',
    description: 'The oldest a late event gets, 1m to 30d.',
  },
  GENERATOR_DRY_RUN: {
    flag: 'dry-run',
    schema: { type: 'boolean' },
    default: false,
    description: 'Print records as JSON lines to stdout instead of producing.',
  },
  GENERATOR_JSON: {
    flag: 'json',
    schema: { type: 'boolean' },
    default: false,
    description: 'Print the final summary as JSON (to stdout; to stderr in a dry run).',
  },
  GENERATOR_PROGRESS: {
    flag: 'progress',
    placeholder: 'MODE',
    schema: { type: 'string', enum: ['auto', 'bar', 'log', 'off'] },
    default: 'auto',
    description: 'Progress on stderr: auto (a bar on a terminal, else log lines), bar, log or off.',
  },
  // Unlike the processor's 8080: the generator is mostly a command-line tool, next to a processor on the same machine.
  HTTP_PORT: {
    flag: 'http-port',
    placeholder: 'PORT',
    schema: { type: 'integer', minimum: 0, maximum: 65535 },
    default: 0,
    description: 'Serve /metrics, /healthz, /readyz on this port (0: no server).',
  },
});

/** How a port-in-use error names the status server's port: `--http-port / HTTP_PORT`. */
export const HTTP_PORT_SETTING = settingSubject('HTTP_PORT', generatorSettings.variables.HTTP_PORT);

export const generatorCommandLine = defineCommandLine({
  program: 'generator',
  version: PACKAGE_VERSION,
  about: `Produces realistic login events (docs/contracts.md#input-event) to Kafka, keyed by user_id, at a chosen rate
and with a chosen share of malformed records. Runs until --count or --duration is reached, or until SIGINT/SIGTERM;
then it flushes what it produced and prints a summary. Logs go to stderr; stdout carries only data (--dry-run
records, the --json summary). Flags override their environment variables.`,
  sections: [
    {
      title: 'Options',
      spec: composeConfig(generatorSettings, httpServerConfigSpec, loggingConfigSpec, kafkaConfigSpec),
    },
  ],
  actions: { 'list-kinds': 'List the malformed kinds and their DLQ reasons, then exit.' },
  epilogue: `Malformed kinds: ${MALFORMED_KIND_NAMES.join(', ')}

Examples:
  generator --count 5000 --invalid-ratio 0.1 --seed 7
  generator --rate 0 --duration 30s                 # as fast as the broker takes it
  generator --dry-run --count 5 --invalid-ratio 1 --invalid-kinds not-json,bad-ip

Exit codes: 0 done (or stopped by a signal), 1 records failed to send or a fatal error, 2 bad flag or variable.`,
});

export const helpText = (): string => commandLineHelp(generatorCommandLine);
export const versionText = (): string => commandLineVersion(generatorCommandLine);

export interface ConfigSources {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads a file named by a variable (TLS material, *_FILE secrets). */
  readonly readFile?: ReadFile;
  /** A random seed when none is given. */
  readonly randomSeed?: () => number;
}

/** Parses flags and environment into a config, or throws a ConfigError naming every wrong flag and variable. */
export function loadGeneratorConfig(sources: ConfigSources): ConfigResult {
  const result = readCommandLine(
    generatorCommandLine,
    sources.argv,
    sources.env,
    sources.readFile ? { readFile: sources.readFile } : {},
  );
  if (result.action !== 'run') return { action: result.action };
  const cfg = result.config;
  const randomSeed = sources.randomSeed ?? (() => Math.floor(Math.random() * 0x1_0000_0000));
  return {
    action: 'run',
    config: {
      topic: cfg.INPUT_TOPIC,
      // 0 means no limit, like unset.
      ...(cfg.GENERATOR_COUNT ? { count: cfg.GENERATOR_COUNT } : {}),
      ...(cfg.GENERATOR_DURATION ? { durationMs: cfg.GENERATOR_DURATION } : {}),
      rate: cfg.GENERATOR_RATE,
      invalidRatio: cfg.GENERATOR_INVALID_RATIO,
      invalidKinds: cfg.GENERATOR_INVALID_KINDS,
      seed: cfg.GENERATOR_SEED ?? randomSeed(),
      seedGiven: cfg.GENERATOR_SEED !== undefined,
      users: cfg.GENERATOR_USERS,
      batchSize: cfg.GENERATOR_BATCH_SIZE,
      maxInFlight: cfg.GENERATOR_MAX_IN_FLIGHT,
      jitterMs: cfg.GENERATOR_JITTER,
      lateRatio: cfg.GENERATOR_LATE_RATIO,
      maxLateMs: cfg.GENERATOR_MAX_LATE,
      dryRun: cfg.GENERATOR_DRY_RUN,
      json: cfg.GENERATOR_JSON,
      progress: cfg.GENERATOR_PROGRESS,
      httpPort: cfg.HTTP_PORT,
      httpHost: cfg.HTTP_HOST,
      httpMaxConnections: cfg.HTTP_MAX_CONNECTIONS,
      logLevel: cfg.LOG_LEVEL,
      logFormat: cfg.LOG_FORMAT,
      kafka: toKafkaClientConfig(cfg, 'generator'),
    },
  };
}

/** "Unknown option '--frobnicate'" → "unknown option --frobnicate (see --help)". */
/** The --list-kinds table. */
export function kindsText(): string {
  const kinds = MALFORMED_KIND_NAMES.map((n) => malformedKind(n) as MalformedKind);
  const w = Math.max(...kinds.map((k) => k.name.length));
  const rw = Math.max(...kinds.map((k) => k.reason.length));
  return [
    'kind'.padEnd(w) + '  ' + 'DLQ reason'.padEnd(rw) + '  what',
    ...kinds.map((k) => `${k.name.padEnd(w)}  ${k.reason.padEnd(rw)}  ${k.description}`),
  ].join('\n');
}
