import {
  ConfigError,
  composeConfig,
  defineCommandLine,
  defineConfig,
  helpText,
  httpServerConfigSpec,
  kafkaConfigSpec,
  loggingConfigSpec,
  PACKAGE_VERSION,
  readCommandLine,
  settingSubject,
  toKafkaClientConfig,
  topicNameSchema,
  versionText,
} from '@login/config';
import type {
  CommandLine,
  ConfigIssue,
  ConfigValues,
  KafkaClientSettings,
  ReadFile,
  VariableSpecs,
} from '@login/config';
import {
  DEFAULT_TOPICS,
  LINEAGE_KEY_ID_PATTERN,
  LINEAGE_KEY_MIN_BYTES,
  REASON_CODES,
  STAGES,
} from '@login/event-schema';
import type { LineageKey } from '@login/event-schema';
import type { LogFormat, LogLevel } from '@login/observability';
import type { Selection } from './core/selection';
import { parseInstant } from './core/time';

/** Kafka connection settings from KAFKA_* (docs/contracts.md#configuration), TLS files and *_FILE secrets included. */
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
  /** Address the HTTP server binds (HTTP_HOST). */
  readonly httpHost: string;
  /** Connections the HTTP server holds at most (HTTP_MAX_CONNECTIONS). */
  readonly httpMaxConnections: number;
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
  /** Signs the lineage of every re-published record (LINEAGE_KEY, LINEAGE_KEY_ID). */
  readonly lineageKey: LineageKey;
}

export type Config = InspectConfig | ReplayConfig;

export type CliParse =
  | { readonly kind: 'ok'; readonly config: Config }
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'version'; readonly text: string }
  | { readonly kind: 'error'; readonly message: string };

// ---- the settings, each declared once: --help, validation and messages come from here ----

/** `"NOPE" is not a reason code (EMPTY_VALUE, …)`: a value of a closed list, named in the error. */
function oneOf(values: readonly string[], noun: string): (text: string) => string {
  return (text) => {
    if (!values.includes(text)) throw new Error(`"${text}" is not a ${noun} (${values.join(', ')})`);
    return text;
  };
}

function instant(text: string): number {
  const ms = parseInstant(text);
  if (ms === undefined)
    throw new Error(`must be an ISO-8601 time with a zone (2024-05-01T12:00:00Z) or epoch ms (got "${text}")`);
  return ms;
}

function offset(text: string): bigint {
  if (!/^[0-9]{1,19}$/.test(text)) throw new Error(`must be a non-negative integer offset (got "${text}")`);
  return BigInt(text);
}

const connectionVariables = {
  DLQ_TOPIC: {
    flag: 'dlq-topic',
    placeholder: 'NAME',
    schema: topicNameSchema,
    default: DEFAULT_TOPICS.dlq,
    description: 'The dead letter topic.',
  },
  INPUT_TOPIC: {
    flag: 'input-topic',
    placeholder: 'NAME',
    schema: topicNameSchema,
    default: DEFAULT_TOPICS.input,
    description: "Replay target, the processor's input.",
  },
  OUTPUT_TOPIC: {
    flag: 'output-topic',
    placeholder: 'NAME',
    schema: topicNameSchema,
    default: DEFAULT_TOPICS.output,
    description: "The processor's output, never a target.",
  },
  PARKED_TOPIC: {
    flag: 'parked-topic',
    placeholder: 'NAME',
    schema: topicNameSchema,
    default: DEFAULT_TOPICS.parked,
    description:
      'Where the loop guard parks records; replay creates it when missing, with the DLQ topic configs (7-day retention).',
  },
  REPLAYER_GROUP: {
    flag: 'group',
    placeholder: 'ID',
    schema: { type: 'string', minLength: 1 },
    default: 'login-dlq-replayer',
    description: "The replayer's consumer group.",
  },
  HTTP_PORT: {
    flag: 'http-port',
    placeholder: 'PORT',
    schema: { type: 'integer', minimum: 0, maximum: 65535 },
    description: 'Serve /metrics, /healthz, /readyz on this port (unset: no server).',
  },
} as const satisfies VariableSpecs;

/** How a port-in-use error names the status server's port: `--http-port / HTTP_PORT`. */
export const HTTP_PORT_SETTING = settingSubject('HTTP_PORT', connectionVariables.HTTP_PORT);

// The replayer must never write where it reads or where the processor writes: that is how loops start.
function topicChecks(cfg: ConfigValues<typeof connectionVariables>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (cfg.INPUT_TOPIC === cfg.DLQ_TOPIC)
    issues.push({ variable: 'INPUT_TOPIC', message: `must not be the DLQ topic "${cfg.DLQ_TOPIC}"` });
  if (cfg.INPUT_TOPIC === cfg.OUTPUT_TOPIC)
    issues.push({ variable: 'INPUT_TOPIC', message: `must not be the output topic "${cfg.OUTPUT_TOPIC}"` });
  if ([cfg.DLQ_TOPIC, cfg.INPUT_TOPIC, cfg.OUTPUT_TOPIC].includes(cfg.PARKED_TOPIC)) {
    issues.push({
      variable: 'PARKED_TOPIC',
      message: `"${cfg.PARKED_TOPIC}" must differ from the DLQ, input and output topics`,
    });
  }
  return issues;
}

const connectionSettings = defineConfig(connectionVariables, { checks: topicChecks });

const selectionVariables = {
  reasons: {
    flag: 'reason',
    placeholder: 'CODE',
    list: true,
    parse: oneOf(REASON_CODES, 'reason code'),
    description: `__dlq.errors.reason: ${REASON_CODES.join(', ')}.`,
  },
  stages: {
    flag: 'stage',
    placeholder: 'STAGE',
    list: true,
    parse: oneOf(STAGES, 'stage'),
    description: `__dlq.errors.stage: ${STAGES.join(', ')}.`,
  },
  since: {
    flag: 'since',
    placeholder: 'TIME',
    parse: instant,
    description: 'Failed at or after (ISO-8601 with a zone, or epoch ms; __dlq.errors.failed.at).',
  },
  until: { flag: 'until', placeholder: 'TIME', parse: instant, description: 'Failed before (exclusive).' },
  partitions: {
    flag: 'partition',
    placeholder: 'N',
    list: true,
    schema: { type: 'integer', minimum: 0 },
    description: 'DLQ partition(s).',
  },
  fromOffset: {
    flag: 'from-offset',
    placeholder: 'N',
    parse: offset,
    description: 'First DLQ offset (inclusive), in every selected partition.',
  },
  toOffset: { flag: 'to-offset', placeholder: 'N', parse: offset, description: 'Last DLQ offset (inclusive).' },
  keys: {
    flag: 'key',
    placeholder: 'TEXT',
    list: true,
    schema: { type: 'string' },
    description: 'Record key (UTF-8).',
  },
} as const satisfies VariableSpecs;

function selectionChecks(cfg: ConfigValues<typeof selectionVariables>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (cfg.fromOffset !== undefined && cfg.toOffset !== undefined && cfg.fromOffset > cfg.toOffset) {
    issues.push({ variable: 'fromOffset', message: 'must not be after --to-offset' });
  }
  if (cfg.since !== undefined && cfg.until !== undefined && cfg.since >= cfg.until) {
    issues.push({ variable: 'since', message: 'must be before --until' });
  }
  return issues;
}

const selectionSettings = defineConfig(selectionVariables, { checks: selectionChecks });

const inspectSettings = defineConfig({
  sample: {
    flag: 'sample',
    placeholder: 'N',
    schema: { type: 'integer', minimum: 0 },
    default: 3,
    description: 'Print the first N records (0 for none).',
  },
  showValues: {
    flag: 'show-values',
    schema: { type: 'boolean' },
    default: false,
    description:
      'Include record keys, values and upstream header values in the samples (they hold raw PII: handle with care); without it, their sizes only.',
  },
  json: {
    flag: 'json',
    schema: { type: 'boolean' },
    default: false,
    description: 'Print the result as JSON (totals per reason and partition, the table, the samples).',
  },
});

const replayVariables = {
  includeNonRetryable: {
    flag: 'include-non-retryable',
    schema: { type: 'boolean' },
    default: false,
    description:
      'Also replay retryable=false records of the reasons named with --reason (you assert a fix for them was deployed).',
  },
  maxReplays: {
    flag: 'max-replays',
    placeholder: 'N',
    schema: { type: 'integer', minimum: 0 },
    default: 3,
    description: 'Park records already replayed N times.',
  },
  max: {
    flag: 'max',
    placeholder: 'N',
    schema: { type: 'integer', minimum: 1 },
    description: 'Stop after N records were replayed or parked.',
  },
  rate: {
    flag: 'rate',
    placeholder: 'N',
    schema: { type: 'number', exclusiveMinimum: 0 },
    description: 'At most N records per second.',
  },
  dryRun: {
    flag: 'dry-run',
    schema: { type: 'boolean' },
    default: false,
    description: 'Write and commit nothing; print what would be replayed, parked and skipped.',
  },
  json: { flag: 'json', schema: { type: 'boolean' }, default: false, description: 'Print the final report as JSON.' },
  reportFile: {
    flag: 'report-file',
    placeholder: 'PATH',
    schema: { type: 'string', minLength: 1 },
    description: 'Also write the final report as JSON to this file.',
  },
  noProgress: {
    flag: 'no-progress',
    schema: { type: 'boolean' },
    default: false,
    description: 'No progress bar (it is only drawn when stderr is a terminal anyway).',
  },
} as const satisfies VariableSpecs;

const replaySettings = defineConfig(replayVariables, {
  // The selection is another piece of the same command line: the check sees the whole configuration.
  checks: (cfg: ConfigValues<typeof replayVariables> & { readonly reasons?: readonly string[] }) =>
    cfg.includeNonRetryable && cfg.reasons === undefined
      ? [
          {
            variable: 'includeNonRetryable',
            message: 'needs --reason: name the reasons you assert a fix was deployed for',
          },
        ]
      : [],
});

// Environment only (a secret never goes on the command line, where the process list shows it).
const lineageSettings = defineConfig({
  LINEAGE_KEY: {
    // Characters, each at least one UTF-8 byte: the HMAC key is never shorter than its 32-byte output.
    schema: { type: 'string', minLength: LINEAGE_KEY_MIN_BYTES },
    required: true,
    secret: true,
    description: `Secret key the replay lineage of every re-published record is signed with (HMAC-SHA-256), at least ${LINEAGE_KEY_MIN_BYTES} characters; the processor's LINEAGE_KEY.`,
  },
  LINEAGE_KEY_ID: {
    schema: { type: 'string', pattern: LINEAGE_KEY_ID_PATTERN.source },
    default: 'k1',
    description: "Id of LINEAGE_KEY, written as __dlq.replay.key.id; the processor's LINEAGE_KEY_ID.",
  },
});

const SELECTION_TITLE = 'Selection (all optional, combined with AND; repeat a flag or use a comma list for "any of")';
const CONNECTION_TITLE = 'Connection and topics (flags override the environment)';
const connection = composeConfig(kafkaConfigSpec, connectionSettings, httpServerConfigSpec, loggingConfigSpec);
const LOGS = 'Logs (JSON lines) go to stderr; stdout carries the summary or report only.';

export const inspectCommandLine = defineCommandLine({
  program: 'dlq-replayer',
  command: 'inspect',
  version: PACKAGE_VERSION,
  about: `Reads the DLQ from its start to the end offsets captured when the command starts (any size: memory is bounded by
one fetch) and prints a table by reason × stage × retryable with records, bytes and first/last failure time,
totals per partition, counts by processor version, replay count and failure hour, and a few samples. Keys, values
and header values are printed escaped (control characters as \\xHH), never raw. A progress bar is drawn on a
terminal. It reads without any consumer group and commits nothing, to the replayer's group or any other.
SIGINT/SIGTERM stops the read: what was read is printed, marked INTERRUPTED, and the exit code is 1.
${LOGS}`,
  sections: [
    { title: 'Options', spec: inspectSettings },
    { title: SELECTION_TITLE, spec: selectionSettings },
    { title: CONNECTION_TITLE, spec: connection },
  ],
});

export const replayCommandLine = defineCommandLine({
  program: 'dlq-replayer',
  command: 'replay',
  version: PACKAGE_VERSION,
  about: `Re-publishes selected DLQ records to the input topic: same key, byte-identical value, original headers, the
__dlq.errors.* context removed except the lineage (replay.count + 1, first.failed.at, event.id) plus
__dlq.replay.id and __dlq.replay.at, signed with LINEAGE_KEY (__dlq.replay.sig, __dlq.replay.key.id: the processor
keeps the event.id only of a record whose signature verifies). Records already replayed --max-replays times, and
records whose replay would exceed the input topic's max.message.bytes, go to the parked topic instead
(__dlq.parked.reason says why). Records with retryable=false are skipped unless their reason is named with
--reason AND --include-non-retryable is given. The run is bounded: it stops at the DLQ end offsets captured at
start. Exactly once: each chunk of records is re-published in one Kafka transaction together with the group's DLQ
offsets, so a killed run resumes where its last transaction ended and never re-publishes a record twice (for
read_committed readers, which the processor is). Records already passed by the group (replayed, parked or skipped)
are not revisited: use a new --group for that. One run per group: a run that starts takes the group's
transactional id over; an earlier run still going is fenced and exits 3.
SIGINT/SIGTERM: commits what was handled of the current chunk, prints the report (INTERRUPTED) and exits 1.
${LOGS}`,
  sections: [
    // The lineage key is environment only: it is listed with the other environment-only variables.
    { title: 'Options', spec: composeConfig(replaySettings, lineageSettings) },
    { title: SELECTION_TITLE, spec: selectionSettings },
    { title: CONNECTION_TITLE, spec: connection },
  ],
});

const COMMANDS = {
  inspect: 'summarise the DLQ (reads it, commits nothing)',
  replay: 're-publish selected DLQ records to the input topic, park the ones replayed too often',
} as const;

export const MAIN_HELP = `Usage: dlq-replayer <command> [options]

Inspect and replay the login pipeline's dead letter topic (docs/contracts.md#dead-letter-record).

Commands:
${Object.entries(COMMANDS)
  .map(([name, summary]) => `  ${name.padEnd(9)}  ${summary}`)
  .join('\n')}

Run "dlq-replayer <command> --help" for the options of a command, "dlq-replayer --version" for the version.
Exit codes: 0 done, 1 failed (e.g. broker unreachable) or interrupted, 2 bad arguments or environment,
3 fenced: another replay started on the same group and took over.
`;

type ConnectionValues = ConfigValues<(typeof connection)['variables']>;
type SelectionValues = ConfigValues<(typeof selectionSettings)['variables']>;

function common(cfg: ConnectionValues & SelectionValues & { readonly json: boolean }): CommonConfig {
  return {
    kafka: toKafkaClientConfig(cfg, 'dlq-replayer'),
    dlqTopic: cfg.DLQ_TOPIC,
    inputTopic: cfg.INPUT_TOPIC,
    outputTopic: cfg.OUTPUT_TOPIC,
    parkedTopic: cfg.PARKED_TOPIC,
    group: cfg.REPLAYER_GROUP,
    ...(cfg.HTTP_PORT !== undefined ? { httpPort: cfg.HTTP_PORT } : {}),
    httpHost: cfg.HTTP_HOST,
    httpMaxConnections: cfg.HTTP_MAX_CONNECTIONS,
    logLevel: cfg.LOG_LEVEL,
    logFormat: cfg.LOG_FORMAT,
    json: cfg.json,
    selection: {
      ...(cfg.reasons !== undefined ? { reasons: cfg.reasons } : {}),
      ...(cfg.stages !== undefined ? { stages: cfg.stages } : {}),
      ...(cfg.since !== undefined ? { sinceMs: cfg.since } : {}),
      ...(cfg.until !== undefined ? { untilMs: cfg.until } : {}),
      ...(cfg.partitions !== undefined ? { partitions: cfg.partitions } : {}),
      ...(cfg.fromOffset !== undefined ? { fromOffset: cfg.fromOffset } : {}),
      ...(cfg.toOffset !== undefined ? { toOffset: cfg.toOffset } : {}),
      ...(cfg.keys !== undefined ? { keys: cfg.keys } : {}),
    },
  };
}

/**
 * Parses `argv` (without node and script) and the environment. No process exit; the only I/O is reading the
 * KAFKA_SSL_*_FILE / *_FILE secrets through `readFile` (default: the disk).
 */
export function parseCommandLine(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  readFile?: ReadFile,
): CliParse {
  const [command, ...rest] = argv;
  if (command === undefined) return { kind: 'error', message: `a command is required\n\n${MAIN_HELP}` };
  if (command === '--help' || command === '-h' || command === 'help') return { kind: 'help', text: MAIN_HELP };
  if (command === '--version') return { kind: 'version', text: `dlq-replayer ${PACKAGE_VERSION}\n` };
  const options = readFile ? { readFile } : {};
  if (command === 'inspect') {
    return parseCommand(command, inspectCommandLine, rest, env, options, (cfg) => ({
      ...common(cfg),
      command,
      sample: cfg.sample,
      showValues: cfg.showValues,
    }));
  }
  if (command === 'replay') {
    return parseCommand(command, replayCommandLine, rest, env, options, (cfg) => ({
      ...common(cfg),
      command,
      includeNonRetryable: cfg.includeNonRetryable,
      maxReplays: cfg.maxReplays,
      ...(cfg.max !== undefined ? { max: cfg.max } : {}),
      ...(cfg.rate !== undefined ? { rate: cfg.rate } : {}),
      dryRun: cfg.dryRun,
      ...(cfg.reportFile !== undefined ? { reportFile: cfg.reportFile } : {}),
      progress: !cfg.noProgress,
      lineageKey: { id: cfg.LINEAGE_KEY_ID, secret: Buffer.from(cfg.LINEAGE_KEY, 'utf8') },
    }));
  }
  return {
    kind: 'error',
    message: `unknown command "${command}" (${Object.keys(COMMANDS).join(', ')})\n\n${MAIN_HELP}`,
  };
}

function parseCommand<V extends VariableSpecs>(
  command: keyof typeof COMMANDS,
  cli: CommandLine<V>,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  options: { readFile?: ReadFile },
  toConfig: (cfg: ConfigValues<V>) => Config,
): CliParse {
  let result;
  try {
    result = readCommandLine(cli, argv, env, options);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return {
      kind: 'error',
      message: `${command}: ${error.problems.join('; ')}\nRun "${cli.usage} --help" for the flags.`,
    };
  }
  if (result.action === 'help') return { kind: 'help', text: `${helpText(cli)}\n` };
  if (result.action === 'version') return { kind: 'version', text: `${versionText(cli)}\n` };
  return { kind: 'ok', config: toConfig(result.config) };
}
