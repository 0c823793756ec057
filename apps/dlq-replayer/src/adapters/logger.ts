import type { LoggerLike } from '@login/kafka';

export type Level = 'error' | 'warn' | 'info' | 'debug';
const RANK: Record<Level, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export interface LoggerOptions {
  readonly level: string;
  readonly format: 'json' | 'pretty';
  readonly component: string;
  /** stderr: stdout carries the summary / report, so `--json | jq` works. */
  readonly stream: { write(text: string): unknown };
}

function isLevel(level: string): level is Level {
  return level in RANK;
}

/**
 * JSON lines (or one readable line with `pretty`) with a `component` field. Callers log coordinates
 * (topic/partition/offset), never a record key, value or header value: the DLQ holds raw PII.
 */
export function createLogger(options: LoggerOptions): LoggerLike {
  const { format, component, stream } = options;
  const level: Level = isLevel(options.level) ? options.level : 'info';
  const emit = (lvl: Level) => (message: string, meta: object = {}) => {
    if (RANK[lvl] > RANK[level]) return;
    const timestamp = new Date().toISOString();
    if (format === 'json') {
      stream.write(`${JSON.stringify({ level: lvl, message, component, ...meta, timestamp })}\n`);
    } else {
      const rest = Object.keys(meta).length > 0 ? ` ${JSON.stringify(meta)}` : '';
      stream.write(`${timestamp} ${lvl.padEnd(5)} [${component}] ${message}${rest}\n`);
    }
  };
  return { error: emit('error'), warn: emit('warn'), info: emit('info'), debug: emit('debug') };
}

/**
 * The batch runner logs a throwing transform loudly (a bug, normally). The replayer throws on purpose to leave a
 * chunk uncommitted while it stops (after --max, or on a signal): those lines go to debug.
 */
export function quietDeliberateStops(logger: LoggerLike, errorName: string): LoggerLike {
  const deliberate = (meta?: object) => (meta as { errorName?: unknown } | undefined)?.errorName === errorName;
  return {
    error: (m, meta) => (deliberate(meta) ? logger.debug(m, meta) : logger.error(m, meta)),
    warn: (m, meta) => (deliberate(meta) ? logger.debug(m, meta) : logger.warn(m, meta)),
    info: (m, meta) => logger.info(m, meta),
    debug: (m, meta) => logger.debug(m, meta),
  };
}
