import { redactIpLiterals, redactPii } from '@login/masking';
import winston from 'winston';
import { toLoggable } from './loggable';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export type LogFormat = 'json' | 'pretty';

/** Structured fields of one entry. An `Error` may be passed directly as the metadata, or under any key. */
export type LogMeta = object;

export interface Logger {
  error(message: string, meta?: LogMeta): void;
  warn(message: string, meta?: LogMeta): void;
  info(message: string, meta?: LogMeta): void;
  debug(message: string, meta?: LogMeta): void;
  isLevelEnabled(level: LogLevel): boolean;
  /** A logger whose entries all carry `bindings` (typically `{ component }`). */
  child(bindings: { component?: string } & Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  app: string;
  level: LogLevel;
  format: LogFormat;
  /** The root logger's component; children name their own. */
  component?: string;
  /** Defaults to stdout. */
  destination?: NodeJS.WritableStream;
  /** Applied to every entry's metadata; defaults to `redactPii` (device_id and ip become `[REDACTED]`). */
  redact?: (meta: Record<string, unknown>) => unknown;
  /** Applied to every entry's message; defaults to `redactIpLiterals` (an address in the text becomes `[REDACTED_IP]`). */
  redactMessage?: (message: string) => string;
  /** Epoch ms; injectable for tests. */
  now?: () => number;
  /** Colour the pretty format; defaults to `coloursFor(destination, process.env)`. */
  colours?: boolean;
}

const LEVELS: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };
// Winston keeps these under well-known symbols (triple-beam); Symbol.for avoids importing a transitive package.
const MESSAGE = Symbol.for('message');
const CORE_FIELDS = new Set(['timestamp', 'level', 'message', 'app', 'component']);

interface Entry {
  timestamp: string;
  level: LogLevel;
  message: string;
  app: string;
  component: string;
  fields: Record<string, unknown>;
}

/**
 * The app's logger: winston writing one JSON object per line (timestamp, level, message, app, component, then the
 * metadata), or a coloured single line for humans. Metadata is made plain and then redacted on every entry. Logging
 * never throws into the caller: observability must not fail the work.
 */
export function createLogger(options: LoggerOptions): Logger {
  const redact = options.redact ?? ((meta: Record<string, unknown>) => redactPii(meta));
  const redactMessage = options.redactMessage ?? redactIpLiterals;
  const now = options.now ?? Date.now;
  const destination = options.destination ?? process.stdout;
  const palette = (options.colours ?? coloursFor(destination, process.env)) ? COLOURED : PLAIN;
  const render = options.format === 'pretty' ? (entry: Entry) => renderPretty(entry, palette) : renderJson;
  const sink = winston.createLogger({
    levels: LEVELS,
    level: options.level,
    exitOnError: false,
    format: winston.format((info) => {
      info[MESSAGE] = render(info['entry'] as Entry);
      return info;
    })(),
    transports: [new winston.transports.Stream({ stream: destination, eol: '\n' })],
  });
  // A broken destination (EPIPE…) would otherwise surface as an unhandled 'error' event and crash the process.
  sink.on('error', () => undefined);

  const write = (level: LogLevel, message: string, bindings: Record<string, unknown>, meta: LogMeta | undefined) => {
    try {
      if (!sink.isLevelEnabled(level)) return;
      const { component, ...fields } = redactFields(bindings, meta, redact);
      const entry: Entry = {
        timestamp: new Date(now()).toISOString(),
        level,
        message: redactMessage(String(message)),
        app: options.app,
        component: typeof component === 'string' ? component : (options.component ?? 'main'),
        fields,
      };
      sink.log({ level, message: entry.message, entry });
    } catch {
      // Nothing sensible is left to report to: the logger itself failed. Dropping the entry beats crashing.
    }
  };

  const make = (bindings: Record<string, unknown>): Logger => ({
    error: (message, meta) => write('error', message, bindings, meta),
    warn: (message, meta) => write('warn', message, bindings, meta),
    info: (message, meta) => write('info', message, bindings, meta),
    debug: (message, meta) => write('debug', message, bindings, meta),
    isLevelEnabled: (level) => sink.isLevelEnabled(level),
    child: (childBindings) => make({ ...bindings, ...childBindings }),
  });
  return make(options.component === undefined ? {} : { component: options.component });
}

function metaObject(meta: LogMeta | undefined): Record<string, unknown> {
  if (meta === undefined || meta === null) return {};
  if (meta instanceof Error) return { error: meta };
  return meta as Record<string, unknown>;
}

// Plain data first (so the redaction sees inside errors and class instances), then redaction. A failing redaction
// drops the metadata rather than writing it unredacted.
function redactFields(
  bindings: Record<string, unknown>,
  meta: LogMeta | undefined,
  redact: (meta: Record<string, unknown>) => unknown,
): Record<string, unknown> {
  let redacted: unknown;
  try {
    const plain = { ...(toLoggable(bindings) as object), ...(toLoggable(metaObject(meta)) as object) };
    redacted = redact(plain);
  } catch {
    return { redaction_failed: true };
  }
  if (redacted === null || typeof redacted !== 'object' || Array.isArray(redacted)) return { meta: redacted };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(redacted)) {
    // The core fields are the logger's; metadata that reuses a name keeps its value under a prefixed key.
    const name = CORE_FIELDS.has(key) && key !== 'component' ? `meta_${key}` : key;
    Object.defineProperty(fields, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return fields;
}

function renderJson(entry: Entry): string {
  const { fields, ...core } = entry;
  return JSON.stringify({ ...core, ...fields });
}

/**
 * Whether the pretty format may colour what it writes to `stream`: never when NO_COLOR is set (no-color.org), when
 * FORCE_COLOR is set unless it is `0` or `false` (a parent that pipes our output to a terminal, like `npm start`),
 * otherwise only on a terminal: escape codes in a file or a pipe are noise.
 */
export function coloursFor(stream: unknown, env: NodeJS.ProcessEnv): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return (stream as { isTTY?: unknown } | null)?.isTTY === true;
}

interface Palette {
  level: Record<LogLevel, string>;
  dim: string;
  reset: string;
}

const COLOURED: Palette = {
  level: { error: '\u001b[31m', warn: '\u001b[33m', info: '\u001b[32m', debug: '\u001b[34m' },
  dim: '\u001b[2m',
  reset: '\u001b[0m',
};
const PLAIN: Palette = { level: { error: '', warn: '', info: '', debug: '' }, dim: '', reset: '' };

/**
 * `12:00:00.000 INFO  [processor/consumer] message key=value …`, stacks of logged errors on the following lines.
 * Every text that comes from the caller is escaped (`safe`): only the palette writes escape codes.
 */
function renderPretty(entry: Entry, colour: Palette): string {
  const level = `${colour.level[entry.level]}${entry.level.toUpperCase().padEnd(5)}${colour.reset}`;
  const time = `${colour.dim}${entry.timestamp.slice(11, 23)}${colour.reset}`;
  const pairs = Object.entries(entry.fields).map(
    ([key, value]) => `${colour.dim}${safe(key)}=${colour.reset}${prettyValue(value)}`,
  );
  const stacks = Object.values(entry.fields)
    .map((value) => (isSerialisedError(value) ? value.stack : undefined))
    .filter((stack): stack is string => typeof stack === 'string')
    .map((stack) =>
      stack
        .split('\n')
        .map((frame) => `\n${colour.dim}    ${safe(frame)}${colour.reset}`)
        .join(''),
    );
  const line = [time, level, `[${safe(entry.app)}/${safe(entry.component)}]`, safe(entry.message), ...pairs].join(' ');
  return line + stacks.join('');
}

// C0 controls (newline and tab included: one entry is one line), DEL and C1 controls (0x9b is a one-byte CSI).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** `text` with every control character as `\xHH`, so a logged value cannot move the cursor or forge a line. */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

const safe = escapeControls;

function prettyValue(value: unknown): string {
  if (typeof value === 'string' && /^[^\s"=]+$/.test(value)) return safe(value);
  if (isSerialisedError(value)) return safe(JSON.stringify(`${value.name}: ${value.message}`));
  return safe(JSON.stringify(value) ?? String(value));
}

function isSerialisedError(value: unknown): value is { name: string; message: string; stack?: string } {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Record<string, unknown>;
  return typeof candidate['name'] === 'string' && typeof candidate['message'] === 'string' && 'stack' in candidate;
}
