import { ConfigError, kafkaConfigSpec, loadConfig, toKafkaClientConfig, type KafkaClientSettings, type ReadFile } from '@login/config';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { REASON_CODES, STAGES } from './core/dlq-headers';
import type { Selection } from './core/selection';
import { parseInstant } from './core/time';

/** Exit codes of the command-line program. */
export const EXIT = { ok: 0, failure: 1, usage: 2, busy: 3 } as const;

export type LogFormat = 'json' | 'pretty';
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** Kafka connection settings from KAFKA_* (DESIGN §6), read by @login/config (TLS files and *_FILE secrets included). */
export type KafkaSettings = KafkaClientSettings;

interface CommonConfig {
  readonly kafka: KafkaSettings;
  readonly dlqTopic: string;
  readonly inputTopic: string;
  readonly outputTopic: string;
  readonly parkedTopic: string;
  readonly group: string;
  /** Serve /metrics, /healthz, /readyz on this port; undefined: no HTTP server. */
  readonly httpPort?: number;
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
  readonly json: boolean;
  readonly selection: Selection;
}

export interface InspectConfig extends CommonConfig {
  readonly command: 'inspect';
  readonly sample: number;
  readonly showValues: boolean;
}

export interface ReplayConfig extends CommonConfig {
  readonly command: 'replay';
  readonly includeNonRetryable: boolean;
  readonly maxReplays: number;
  readonly max?: number;
  readonly rate?: number;
  readonly dryRun: boolean;
  readonly reportFile?: string;
  readonly progress: boolean;
}

export type Config = InspectConfig | ReplayConfig;

export type CliParse =
  | { readonly kind: 'ok'; readonly config: Config }
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'error'; readonly message: string };

type Env = Readonly<Record<string, string | undefined>>;

const CONNECTION_HELP = `Connection and topics (flags override the environment):
  --brokers <list>         KAFKA_BROKERS        comma-separated (default 127.0.0.1:9092)
  --dlq-topic <name>       DLQ_TOPIC            the dead letter topic (default user-login-dlq)
  --input-topic <name>     INPUT_TOPIC          replay target, the processor's input (default user-login)
  --output-topic <name>    OUTPUT_TOPIC         the processor's output, never a target (default processed-user-login)
  --parked-topic <name>    PARKED_TOPIC         where the loop guard parks records (default user-login-dlq-parked)
  --group <id>             REPLAYER_GROUP       the replayer's consumer group (default login-dlq-replayer)
  --http-port <port>       HTTP_PORT            serve /metrics, /healthz, /readyz (default: off)
  --log-level <level>      LOG_LEVEL            error, warn, info, debug (default info)
  --log-format <format>    LOG_FORMAT           json or pretty (default json)
  Also KAFKA_CLIENT_ID, KAFKA_SSL, KAFKA_SSL_CA_FILE, KAFKA_SSL_CERT_FILE, KAFKA_SSL_KEY_FILE,
  KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD (or KAFKA_SASL_PASSWORD_FILE).
  Logs (JSON lines) go to stderr; stdout carries the summary or report only.`;

const SELECTION_HELP = `Selection (all optional, combined with AND; repeat a flag or use a comma list for "any of"):
  --reason <code>          __dlq.errors.reason: ${REASON_CODES.join(', ')}
  --stage <stage>          __dlq.errors.stage: ${STAGES.join(', ')}
  --since <time>           failed at or after (ISO-8601 with zone, or epoch ms; __dlq.errors.failed.at)
  --until <time>           failed before (exclusive)
  --partition <n>          DLQ partition(s)
  --from-offset <n>        first DLQ offset (inclusive), in every selected partition
  --to-offset <n>          last DLQ offset (inclusive)
  --key <text>             record key (UTF-8)`;

export const MAIN_HELP = `Usage: dlq-replayer <command> [flags]

Inspect and replay the login pipeline's dead letter topic (DESIGN §4).

Commands:
  inspect    summarise the DLQ (reads it, commits nothing)
  replay     re-publish selected DLQ records to the input topic, park the ones replayed too often

Run "dlq-replayer <command> --help" for the flags of a command.
Exit codes: 0 done, 1 failed (e.g. broker unreachable) or interrupted, 2 bad arguments or environment,
3 fenced: another replay started on the same group and took over.
`;

export const INSPECT_HELP = `Usage: dlq-replayer inspect [flags]

Reads the DLQ from its start to the end offsets captured when the command starts (any size: memory is bounded by
one fetch) and prints a table by reason × stage × retryable with records, bytes and first/last failure time,
totals per partition, counts by processor version, replay count and failure hour, and a few samples. Keys, values
and header values are printed escaped (control characters as \\xHH), never raw. A progress bar is drawn on a
terminal. It reads without any consumer group and commits nothing, to the replayer's group or any other.
SIGINT/SIGTERM stops the read: what was read is printed, marked INTERRUPTED, and the exit code is 1.

  --sample <n>             print the first n records (default 3; 0 for none)
  --show-values            include record values in the samples (values hold raw PII: handle with care)
  --json                   print the result as JSON (totals per reason and partition, the table, the samples)
  --help                   this text

${SELECTION_HELP}

${CONNECTION_HELP}
`;

export const REPLAY_HELP = `Usage: dlq-replayer replay [flags]

Re-publishes selected DLQ records to the input topic: same key, byte-identical value, original headers, the
__dlq.errors.* context removed except the lineage (replay.count + 1, first.failed.at, event.id) plus
__dlq.replay.id and __dlq.replay.at. Records already replayed --max-replays times, and records whose replay would
exceed the input topic's max.message.bytes, go to the parked topic instead (__dlq.parked.reason says why).
Records with retryable=false are skipped unless their reason is named with --reason AND --include-non-retryable
is given. The run is bounded: it stops at the DLQ end offsets captured at start. Exactly once: each chunk of
records is re-published in one Kafka transaction together with the group's DLQ offsets, so a killed run resumes
where its last transaction ended and never re-publishes a record twice (for read_committed readers, which the
processor is). Records already passed by the group (replayed, parked or skipped) are not revisited: use a new
--group for that. One run per group: a run that starts takes the group's transactional id over; an earlier run
still going is fenced and exits 3.
SIGINT/SIGTERM: commits what was handled of the current chunk, prints the report (INTERRUPTED) and exits 1.

  --include-non-retryable  also replay retryable=false records of the reasons named with --reason
                           (you assert a fix for them was deployed)
  --max-replays <n>        park records already replayed n times (default 3)
  --max <n>                stop after n records were replayed or parked
  --rate <n>               at most n records per second
  --dry-run                write and commit nothing; print what would be replayed, parked and skipped
  --json                   print the final report as JSON
  --report-file <path>     also write the final report as JSON to this file
  --no-progress            no progress bar (it is only drawn when stderr is a terminal anyway)
  --help                   this text

${SELECTION_HELP}

${CONNECTION_HELP}
`;

const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  brokers: { type: 'string' },
  'dlq-topic': { type: 'string' },
  'input-topic': { type: 'string' },
  'output-topic': { type: 'string' },
  'parked-topic': { type: 'string' },
  group: { type: 'string' },
  'http-port': { type: 'string' },
  'log-level': { type: 'string' },
  'log-format': { type: 'string' },
  json: { type: 'boolean' },
  reason: { type: 'string', multiple: true },
  stage: { type: 'string', multiple: true },
  since: { type: 'string' },
  until: { type: 'string' },
  partition: { type: 'string', multiple: true },
  'from-offset': { type: 'string' },
  'to-offset': { type: 'string' },
  key: { type: 'string', multiple: true },
} as const satisfies ParseArgsConfig['options'];

const INSPECT_OPTIONS = {
  ...COMMON_OPTIONS,
  sample: { type: 'string' },
  'show-values': { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

const REPLAY_OPTIONS = {
  ...COMMON_OPTIONS,
  'include-non-retryable': { type: 'boolean' },
  'max-replays': { type: 'string' },
  max: { type: 'string' },
  rate: { type: 'string' },
  'dry-run': { type: 'boolean' },
  'report-file': { type: 'string' },
  'no-progress': { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** Collects every problem, so one run names all of them (DESIGN §6). */
class Problems {
  readonly list: string[] = [];
  add(message: string): undefined {
    this.list.push(message);
    return undefined;
  }
}

function str(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

function list(values: Values, name: string): string[] {
  const v = values[name];
  const raw = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return raw
    .filter((x): x is string => typeof x === 'string')
    .flatMap((x) => x.split(','))
    .map((x) => x.trim())
    .filter((x) => x !== '');
}

function integer(text: string | undefined, what: string, problems: Problems, min: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-9]+$/.test(text.trim()) || !Number.isSafeInteger(Number(text)) || Number(text) < min) {
    return problems.add(`${what} must be an integer ≥ ${min}, got "${text}"`);
  }
  return Number(text);
}

function offset(text: string | undefined, what: string, problems: Problems): bigint | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-9]{1,19}$/.test(text.trim())) return problems.add(`${what} must be a non-negative integer offset, got "${text}"`);
  return BigInt(text.trim());
}

function instant(text: string | undefined, what: string, problems: Problems): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseInstant(text);
  if (ms === undefined) return problems.add(`${what} must be an ISO-8601 time with a zone (2024-05-01T12:00:00Z) or epoch ms, got "${text}"`);
  return ms;
}

function nonEmpty(value: string | undefined, fallback: string, what: string, problems: Problems): string {
  if (value === undefined) return fallback;
  if (value.trim() === '') {
    problems.add(`${what} must not be empty`);
    return fallback;
  }
  return value.trim();
}

function kafkaSettings(values: Values, env: Env, readFile: ReadFile | undefined, problems: Problems): KafkaSettings {
  // --brokers overrides KAFKA_BROKERS; everything else about the connection comes from the environment.
  const brokers = str(values, 'brokers');
  const merged = { ...env, ...(brokers !== undefined ? { KAFKA_BROKERS: brokers } : {}) } as NodeJS.ProcessEnv;
  try {
    return toKafkaClientConfig(loadConfig(kafkaConfigSpec, merged, readFile ? { readFile } : {}), 'dlq-replayer');
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const issue of error.issues) {
      const name = issue.variable === 'KAFKA_BROKERS' && brokers !== undefined ? '--brokers' : issue.variable;
      problems.add(`${name}: ${issue.message}`);
    }
    return { brokers: [], clientId: 'dlq-replayer' };
  }
}

function selection(values: Values, problems: Problems): Selection {
  const reasons = list(values, 'reason');
  for (const r of reasons) if (!(REASON_CODES as readonly string[]).includes(r)) problems.add(`--reason "${r}" is not a reason code (${REASON_CODES.join(', ')})`);
  const stages = list(values, 'stage');
  for (const s of stages) if (!(STAGES as readonly string[]).includes(s)) problems.add(`--stage "${s}" is not a stage (${STAGES.join(', ')})`);
  const partitions = list(values, 'partition').map((p) => integer(p, '--partition', problems, 0));
  const fromOffset = offset(str(values, 'from-offset'), '--from-offset', problems);
  const toOffset = offset(str(values, 'to-offset'), '--to-offset', problems);
  if (fromOffset !== undefined && toOffset !== undefined && fromOffset > toOffset) problems.add('--from-offset must not be after --to-offset');
  const sinceMs = instant(str(values, 'since'), '--since', problems);
  const untilMs = instant(str(values, 'until'), '--until', problems);
  if (sinceMs !== undefined && untilMs !== undefined && sinceMs >= untilMs) problems.add('--since must be before --until');
  const keys = list(values, 'key');
  return {
    ...(reasons.length > 0 ? { reasons } : {}),
    ...(stages.length > 0 ? { stages } : {}),
    ...(sinceMs !== undefined ? { sinceMs } : {}),
    ...(untilMs !== undefined ? { untilMs } : {}),
    ...(partitions.length > 0 ? { partitions: partitions.filter((p): p is number => p !== undefined) } : {}),
    ...(fromOffset !== undefined ? { fromOffset } : {}),
    ...(toOffset !== undefined ? { toOffset } : {}),
    ...(keys.length > 0 ? { keys } : {}),
  };
}

function common(values: Values, env: Env, readFile: ReadFile | undefined, problems: Problems): CommonConfig {
  const topic = (flag: string, variable: string, fallback: string) =>
    nonEmpty(str(values, flag) ?? env[variable], fallback, `--${flag} / ${variable}`, problems);
  const dlqTopic = topic('dlq-topic', 'DLQ_TOPIC', 'user-login-dlq');
  const inputTopic = topic('input-topic', 'INPUT_TOPIC', 'user-login');
  const outputTopic = topic('output-topic', 'OUTPUT_TOPIC', 'processed-user-login');
  const parkedTopic = topic('parked-topic', 'PARKED_TOPIC', 'user-login-dlq-parked');
  // The replayer must never write where it reads or where the processor writes: that is how loops start.
  if (inputTopic === dlqTopic) problems.add(`the input (replay target) topic must not be the DLQ topic "${dlqTopic}"`);
  if (inputTopic === outputTopic) problems.add(`the input (replay target) topic must not be the output topic "${outputTopic}"`);
  if (parkedTopic === dlqTopic || parkedTopic === inputTopic || parkedTopic === outputTopic) {
    problems.add(`the parked topic "${parkedTopic}" must differ from the DLQ, input and output topics`);
  }
  const portText = str(values, 'http-port') ?? env['HTTP_PORT'];
  const httpPort = portText === undefined || portText === '' ? undefined : integer(portText, '--http-port / HTTP_PORT', problems, 0);
  if (httpPort !== undefined && httpPort > 65535) problems.add('--http-port / HTTP_PORT must be ≤ 65535');
  const logLevelText = str(values, 'log-level') ?? env['LOG_LEVEL'] ?? 'info';
  const logLevel = (['error', 'warn', 'info', 'debug'] as const).find((l) => l === logLevelText);
  if (logLevel === undefined) problems.add(`--log-level / LOG_LEVEL must be error, warn, info or debug, got "${logLevelText}"`);
  const logFormat = str(values, 'log-format') ?? env['LOG_FORMAT'] ?? 'json';
  if (logFormat !== 'json' && logFormat !== 'pretty') problems.add(`--log-format / LOG_FORMAT must be json or pretty, got "${logFormat}"`);
  return {
    kafka: kafkaSettings(values, env, readFile, problems),
    dlqTopic,
    inputTopic,
    outputTopic,
    parkedTopic,
    group: topic('group', 'REPLAYER_GROUP', 'login-dlq-replayer'),
    ...(httpPort !== undefined ? { httpPort } : {}),
    logLevel: logLevel ?? 'info',
    logFormat: logFormat === 'pretty' ? 'pretty' : 'json',
    json: values['json'] === true,
    selection: selection(values, problems),
  };
}

function positiveNumber(text: string | undefined, what: string, problems: Problems): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) return problems.add(`${what} must be a positive number, got "${text}"`);
  return n;
}

/**
 * Parses `argv` (without node and script) and the environment. No process exit; the only I/O is reading the
 * KAFKA_SSL_*_FILE / *_FILE secrets through `readFile` (default: the disk).
 */
export function parseCommandLine(argv: readonly string[], env: Env, readFile?: ReadFile): CliParse {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    return command === undefined ? { kind: 'error', message: `a command is required\n\n${MAIN_HELP}` } : { kind: 'help', text: MAIN_HELP };
  }
  if (command !== 'inspect' && command !== 'replay') {
    return { kind: 'error', message: `unknown command "${command}" (inspect, replay)\n\n${MAIN_HELP}` };
  }
  let values: Values;
  try {
    const parsed = parseArgs({
      args: [...rest],
      options: command === 'inspect' ? INSPECT_OPTIONS : REPLAY_OPTIONS,
      strict: true,
      allowPositionals: false,
    });
    values = parsed.values as Values;
  } catch (error) {
    // Node's parseArgs messages are clear; its "TypeError [ERR_PARSE_ARGS_…]" prefix is noise to an operator.
    const message = (error instanceof Error ? error.message : String(error)).replace(/^\w*Error \[\w+\]: /, '');
    return { kind: 'error', message: `${command}: ${message}\nRun "dlq-replayer ${command} --help" for the flags.` };
  }
  if (values['help'] === true) return { kind: 'help', text: command === 'inspect' ? INSPECT_HELP : REPLAY_HELP };

  const problems = new Problems();
  const base = common(values, env, readFile, problems);
  let config: Config;
  if (command === 'inspect') {
    config = {
      ...base,
      command,
      sample: integer(str(values, 'sample'), '--sample', problems, 0) ?? 3,
      showValues: values['show-values'] === true,
    };
  } else {
    const includeNonRetryable = values['include-non-retryable'] === true;
    if (includeNonRetryable && !base.selection.reasons) {
      problems.add('--include-non-retryable needs --reason: name the reasons you assert a fix was deployed for');
    }
    const max = integer(str(values, 'max'), '--max', problems, 1);
    const rate = positiveNumber(str(values, 'rate'), '--rate', problems);
    const reportFile = str(values, 'report-file');
    if (reportFile !== undefined && reportFile.trim() === '') problems.add('--report-file must not be empty');
    config = {
      ...base,
      command,
      includeNonRetryable,
      maxReplays: integer(str(values, 'max-replays'), '--max-replays', problems, 0) ?? 3,
      ...(max !== undefined ? { max } : {}),
      ...(rate !== undefined ? { rate } : {}),
      dryRun: values['dry-run'] === true,
      ...(reportFile ? { reportFile } : {}),
      progress: values['no-progress'] !== true,
    };
  }
  if (problems.list.length > 0) {
    return { kind: 'error', message: `${command}: ${problems.list.join('; ')}\nRun "dlq-replayer ${command} --help" for the flags.` };
  }
  return { kind: 'ok', config };
}
