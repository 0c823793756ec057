import type { LoggerLike } from '@login/kafka';

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
