import type { LoggerLike } from '@login/kafka';

export type Level = 'error' | 'warn' | 'info' | 'debug';
const RANK: Record<Level, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export interface LoggerOptions {
  readonly level: Level;
  readonly format: 'json' | 'pretty';
  readonly component: string;
  readonly stream: { write(text: string): unknown };
}

/** JSON lines (or a readable line with `pretty`) with a `component` field; never a record value. */
export function createJsonLogger(options: LoggerOptions): LoggerLike {
  const { level, format, component, stream } = options;
  const emit = (lvl: Level) => (message: string, meta: object = {}) => {
    if (RANK[lvl] > RANK[level]) return;
    const timestamp = new Date().toISOString();
    if (format === 'json') {
      stream.write(JSON.stringify({ level: lvl, message, component, ...meta, timestamp }) + '\n');
    } else {
      const rest = Object.keys(meta).length > 0 ? ` ${JSON.stringify(meta)}` : '';
      stream.write(`${timestamp} ${lvl.padEnd(5)} [${component}] ${message}${rest}\n`);
    }
  };
  return { error: emit('error'), warn: emit('warn'), info: emit('info'), debug: emit('debug') };
}
