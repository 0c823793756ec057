import { parseArgs } from 'node:util';
import type { KafkaClientSettings, ReadFile } from '@login/config';
import { ConfigError as EnvConfigError, kafkaConfigSpec, loadConfig, toKafkaClientConfig } from '@login/config';
import type { MalformedKind } from './core/malformed';
import { MALFORMED_KIND_NAMES, malformedKind } from './core/malformed';

/**
 * The generator's configuration: command-line flags and environment variables (for containers) over defaults;
 * a flag overrides its variable. One table describes every setting, and --help is printed from it. Every wrong
 * flag or variable is named in one ConfigError; main.ts prints it and exits with code 2.
 */

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export type LogFormat = 'json' | 'pretty';
export type ProgressMode = 'auto' | 'bar' | 'log' | 'off';

export type KafkaSettings = KafkaClientSettings;

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
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
  readonly kafka: KafkaSettings;
}

export type ConfigResult = { action: 'help' } | { action: 'list-kinds' } | { action: 'run'; config: GeneratorConfig };

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

type Parser<T> = (raw: string) => T;

interface Setting {
  readonly key: string;
  readonly flag?: string;
  readonly short?: string;
  readonly env?: string;
  /** Boolean flags take no value; their variables take true/false/1/0. */
  readonly boolean?: boolean;
  readonly value?: string;
  readonly default?: string;
  readonly description: string;
}

/** Every setting, in --help order. */
export const SETTINGS: readonly Setting[] = [
  { key: 'topic', flag: 'topic', short: 't', env: 'INPUT_TOPIC', value: 'NAME', default: 'user-login', description: 'topic to produce to' },
  { key: 'count', flag: 'count', short: 'n', env: 'GENERATOR_COUNT', value: 'N', description: 'stop after N records (0 or unset: no limit)' },
  { key: 'duration', flag: 'duration', short: 'd', env: 'GENERATOR_DURATION', value: 'TIME', description: 'stop after this long: 30s, 5m, 1h30m (0 or unset: no limit)' },
  { key: 'rate', flag: 'rate', short: 'r', env: 'GENERATOR_RATE', value: 'N', default: '100', description: 'events per second (token bucket); 0 = as fast as the broker takes them' },
  { key: 'invalidRatio', flag: 'invalid-ratio', env: 'GENERATOR_INVALID_RATIO', value: 'X', default: '0', description: 'share of malformed records, 0..1 (0.1 = 10%)' },
  { key: 'invalidKinds', flag: 'invalid-kinds', env: 'GENERATOR_INVALID_KINDS', value: 'A,B', default: 'all', description: 'malformed kinds to draw from (see --list-kinds)' },
  { key: 'seed', flag: 'seed', env: 'GENERATOR_SEED', value: 'N', default: 'random', description: 'random seed 0..4294967295; same seed → same event contents (timestamps follow the clock)' },
  { key: 'users', flag: 'users', env: 'GENERATOR_USERS', value: 'N', default: '1000', description: 'size of the user population (users log in repeatedly, 1-2 devices each)' },
  { key: 'batchSize', flag: 'batch-size', env: 'GENERATOR_BATCH_SIZE', value: 'N', default: '1000', description: 'records per produce request' },
  { key: 'maxInFlight', flag: 'max-in-flight', env: 'GENERATOR_MAX_IN_FLIGHT', value: 'N', default: '4', description: 'batches awaiting acknowledgement at most' },
  { key: 'jitter', flag: 'jitter', env: 'GENERATOR_JITTER', value: 'TIME', default: '2s', description: 'event times lie up to this far in the past' },
  { key: 'lateRatio', flag: 'late-ratio', env: 'GENERATOR_LATE_RATIO', value: 'X', default: '0.02', description: 'share of late events (1 minute to --max-late old)' },
  { key: 'maxLate', flag: 'max-late', env: 'GENERATOR_MAX_LATE', value: 'TIME', default: '6h', description: 'the oldest a late event gets' },
  { key: 'dryRun', flag: 'dry-run', env: 'GENERATOR_DRY_RUN', boolean: true, description: 'print records as JSON lines to stdout instead of producing' },
  { key: 'json', flag: 'json', env: 'GENERATOR_JSON', boolean: true, description: 'print the final summary as JSON' },
  { key: 'progress', flag: 'progress', env: 'GENERATOR_PROGRESS', value: 'MODE', default: 'auto', description: 'auto (bar on a terminal, else log lines), bar, log, off' },
  { key: 'brokers', flag: 'brokers', short: 'b', env: 'KAFKA_BROKERS', value: 'LIST', default: '127.0.0.1:9092', description: 'Kafka bootstrap brokers, comma-separated' },
  { key: 'httpPort', flag: 'http-port', env: 'HTTP_PORT', value: 'PORT', default: '0', description: 'serve /metrics, /healthz, /readyz on this port (0: no server)' },
  { key: 'logLevel', flag: 'log-level', env: 'LOG_LEVEL', value: 'LEVEL', default: 'info', description: 'error, warn, info, debug' },
  { key: 'logFormat', flag: 'log-format', env: 'LOG_FORMAT', value: 'FORMAT', default: 'json', description: 'json or pretty' },
  { key: 'listKinds', flag: 'list-kinds', boolean: true, description: 'list the malformed kinds and their DLQ reasons, then exit' },
  { key: 'help', flag: 'help', short: 'h', boolean: true, description: 'show this help, then exit' },
];

/** Kafka connection variables without a flag (secrets stay out of the process list). */
export const KAFKA_ENV: ReadonlyArray<{ env: string; description: string }> = [
  { env: 'KAFKA_CLIENT_ID', description: 'client id (default: generator)' },
  { env: 'KAFKA_SSL', description: 'true to connect with TLS' },
  { env: 'KAFKA_SSL_CA_FILE, KAFKA_SSL_CERT_FILE, KAFKA_SSL_KEY_FILE', description: 'PEM files for TLS (with KAFKA_SSL=true)' },
  { env: 'KAFKA_SASL_MECHANISM', description: 'plain, scram-sha-256 or scram-sha-512' },
  { env: 'KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD', description: 'SASL credentials (the password also as KAFKA_SASL_PASSWORD_FILE)' },
];

export function helpText(program = 'generator'): string {
  const rows = SETTINGS.map((s) => {
    const flag = `${s.short ? `-${s.short}, ` : '    '}--${s.flag}${s.value ? ` ${s.value}` : ''}`;
    const extra = [s.default !== undefined ? `default ${s.default}` : '', s.env ? `env ${s.env}` : ''].filter(Boolean).join('; ');
    return { flag, text: `${s.description}${extra ? ` [${extra}]` : ''}` };
  });
  const width = Math.max(...rows.map((r) => r.flag.length)) + 2;
  const envWidth = Math.max(...KAFKA_ENV.map((e) => e.env.length)) + 2;
  return [
    `Usage: ${program} [options]`,
    '',
    'Produces realistic login events (DESIGN §2) to Kafka, keyed by user_id, at a chosen rate and with a chosen',
    'share of malformed records. Runs until --count or --duration is reached, or until SIGINT/SIGTERM; then it',
    'flushes what it produced and prints a summary. Flags override their environment variables.',
    '',
    'Options:',
    ...rows.map((r) => `  ${r.flag.padEnd(width)}${r.text}`),
    '',
    'Kafka connection (environment only):',
    ...KAFKA_ENV.map((e) => `  ${e.env.padEnd(envWidth)}${e.description}`),
    '',
    `Malformed kinds: ${MALFORMED_KIND_NAMES.join(', ')}`,
    '',
    'Examples:',
    `  ${program} --count 5000 --invalid-ratio 0.1 --seed 7`,
    `  ${program} --rate 0 --duration 30s                 # as fast as the broker takes it`,
    `  ${program} --dry-run --count 5 --invalid-ratio 1 --invalid-kinds not-json,bad-ip`,
    '',
    'Exit codes: 0 done (or stopped by a signal), 1 records failed to send or a fatal error, 2 bad flag or variable.',
  ].join('\n');
}

// ---- value parsers: each returns the value or throws an Error whose message says what was expected ----

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `1500ms`, `30s`, `5m`, `1h30m`, `2d`; a bare number is seconds. */
export function parseDuration(raw: string): number {
  const text = raw.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new Error(`expected a duration like 30s, 5m, 1h30m or 500ms, got "${raw}"`);
  }
  return Math.round(parts.reduce((ms, p) => ms + Number(p[1]) * (UNITS[p[2] ?? ''] ?? 0), 0));
}

function parseNumber(raw: string, min: number, max = Number.POSITIVE_INFINITY): number {
  const n = raw.trim() === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new Error(`expected a number ${max === Number.POSITIVE_INFINITY ? `≥ ${min}` : `from ${min} to ${max}`}, got "${raw}"`);
  }
  return n;
}

function parseInteger(raw: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new Error(`expected a whole number ${max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`}, got "${raw}"`);
  }
  return n;
}

function oneOf<T extends string>(values: readonly T[]): Parser<T> {
  return (raw) => {
    if ((values as readonly string[]).includes(raw)) return raw as T;
    throw new Error(`expected one of ${values.join(', ')}, got "${raw}"`);
  };
}

function parseBoolean(raw: string): boolean {
  const v = raw.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off', ''].includes(v)) return false;
  throw new Error(`expected true or false, got "${raw}"`);
}

export function parseKinds(raw: string): MalformedKind[] {
  const names = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0 || (names.length === 1 && names[0] === 'all')) return [];
  const unknown = names.filter((n) => malformedKind(n) === undefined);
  if (unknown.length > 0) {
    throw new Error(`unknown kind${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}; known: ${MALFORMED_KIND_NAMES.join(', ')}`);
  }
  return [...new Set(names)].map((n) => malformedKind(n) as MalformedKind);
}

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
  const { env } = sources;
  const flagOptions: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const s of SETTINGS) {
    if (s.flag) flagOptions[s.flag] = { type: s.boolean ? 'boolean' : 'string', ...(s.short ? { short: s.short } : {}) };
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...sources.argv], options: flagOptions, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new ConfigError([describeParseArgsError(error)]);
  }
  if (values['help'] === true) return { action: 'help' };
  if (values['list-kinds'] === true) return { action: 'list-kinds' };

  const problems: string[] = [];
  /** The raw value of a setting and where it came from: the flag wins over the variable over the default. */
  function raw(key: string): { text: string; source: string } | undefined {
    const s = SETTINGS.find((x) => x.key === key);
    if (!s) throw new Error(`no setting ${key}`);
    const flagValue = s.flag ? values[s.flag] : undefined;
    if (flagValue !== undefined) return { text: String(flagValue), source: `--${s.flag}` };
    const envValue = s.env ? env[s.env] : undefined;
    if (envValue !== undefined && envValue !== '') return { text: envValue, source: s.env ?? '' };
    if (s.default !== undefined) return { text: s.default, source: `default of --${s.flag}` };
    return undefined;
  }
  function get<T>(key: string, parse: Parser<T>, fallback: T): T {
    const r = raw(key);
    if (r === undefined) return fallback;
    try {
      return parse(r.text);
    } catch (error) {
      problems.push(`${r.source}: ${error instanceof Error ? error.message : String(error)}`);
      return fallback;
    }
  }
  const optionalPositive = (parse: Parser<number>): Parser<number | undefined> => (text) => {
    const n = parse(text);
    return n === 0 ? undefined : n;
  };

  const seedRaw = raw('seed');
  const seedGiven = seedRaw !== undefined && seedRaw.text !== 'random';
  const seed = seedGiven
    ? get('seed', (t) => parseInteger(t, 0, 0xffff_ffff), 0)
    : (sources.randomSeed ?? (() => Math.floor(Math.random() * 0x1_0000_0000)))();

  const config: GeneratorConfig = {
    topic: get('topic', (t) => {
      if (!/^[a-zA-Z0-9._-]{1,249}$/.test(t)) throw new Error(`expected a Kafka topic name (letters, digits, . _ -), got "${t}"`);
      return t;
    }, 'user-login'),
    ...opt('count', get('count', optionalPositive((t) => parseInteger(t, 0)), undefined)),
    ...opt('durationMs', get('duration', optionalPositive(parseDuration), undefined)),
    rate: get('rate', (t) => parseNumber(t, 0, 10_000_000), 100),
    invalidRatio: get('invalidRatio', (t) => parseNumber(t, 0, 1), 0),
    invalidKinds: get('invalidKinds', parseKinds, []),
    seed,
    seedGiven,
    users: get('users', (t) => parseInteger(t, 1, 100_000_000), 1000),
    batchSize: get('batchSize', (t) => parseInteger(t, 1, 100_000), 1000),
    maxInFlight: get('maxInFlight', (t) => parseInteger(t, 1, 64), 4),
    jitterMs: get('jitter', parseDuration, 2000),
    lateRatio: get('lateRatio', (t) => parseNumber(t, 0, 1), 0.02),
    maxLateMs: get('maxLate', (t) => {
      const ms = parseDuration(t);
      if (ms < 60_000 || ms > 30 * 86_400_000) throw new Error(`expected a duration from 1m to 30d, got "${t}"`);
      return ms;
    }, 6 * 3_600_000),
    dryRun: get('dryRun', parseBoolean, false),
    json: get('json', parseBoolean, false),
    progress: get('progress', oneOf<ProgressMode>(['auto', 'bar', 'log', 'off']), 'auto'),
    httpPort: get('httpPort', (t) => parseInteger(t, 0, 65535), 0),
    logLevel: get('logLevel', oneOf<LogLevel>(['error', 'warn', 'info', 'debug']), 'info'),
    logFormat: get('logFormat', oneOf<LogFormat>(['json', 'pretty']), 'json'),
    kafka: kafkaSettings(values['brokers'], env, sources.readFile, problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return { action: 'run', config };
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * The Kafka connection, parsed by @login/config's shared spec (the same variables and checks as every app);
 * `--brokers` overrides KAFKA_BROKERS. Problems are added to `problems`, named by flag or variable.
 */
function kafkaSettings(
  brokersFlag: string | boolean | undefined,
  env: Readonly<Record<string, string | undefined>>,
  readFile: ReadFile | undefined,
  problems: string[],
): KafkaSettings {
  const fromFlag = typeof brokersFlag === 'string';
  const kafkaEnv: NodeJS.ProcessEnv = { ...env, ...(fromFlag ? { KAFKA_BROKERS: brokersFlag } : {}) };
  try {
    return toKafkaClientConfig(loadConfig(kafkaConfigSpec, kafkaEnv, readFile ? { readFile } : {}), 'generator');
  } catch (error) {
    if (!(error instanceof EnvConfigError)) throw error;
    for (const issue of error.issues) {
      problems.push(`${issue.variable === 'KAFKA_BROKERS' && fromFlag ? '--brokers' : issue.variable}: ${issue.message}`);
    }
    return { brokers: [], clientId: 'generator' };
  }
}

/** "Unknown option '--frobnicate'" → "unknown option --frobnicate (see --help)". */
function describeParseArgsError(error: unknown): string {
  // Duck-typed: node's errors may come from another realm (e.g. under Jest), where instanceof Error fails.
  const { message = String(error), code = '' } = (typeof error === 'object' && error !== null ? error : {}) as {
    message?: string;
    code?: string;
  };
  const name = /--[a-z0-9-]+/.exec(message)?.[0] ?? /'(-[^' ]+)'/.exec(message)?.[1] ?? '';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${name} (see --help)`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing/.test(message) ? `${name}: a value is required (see --help)` : `${name}: ${message} (see --help)`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']*)'/.exec(message)?.[1] ?? ''}: this program takes only options (see --help)`;
    default:
      return `${message} (see --help)`;
  }
}

/** The --list-kinds table. */
export function kindsText(): string {
  const kinds = MALFORMED_KIND_NAMES.map((n) => malformedKind(n) as MalformedKind);
  const w = Math.max(...kinds.map((k) => k.name.length));
  const rw = Math.max(...kinds.map((k) => k.reason.length));
  return ['kind'.padEnd(w) + '  ' + 'DLQ reason'.padEnd(rw) + '  what', ...kinds.map((k) => `${k.name.padEnd(w)}  ${k.reason.padEnd(rw)}  ${k.description}`)].join('\n');
}
