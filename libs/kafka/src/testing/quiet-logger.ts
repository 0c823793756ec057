import type { LoggerLike } from '../options';

/** A logger that drops every line: for tests whose assertions are about records and offsets, not log output. */
export const quietLogger: LoggerLike = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
};
