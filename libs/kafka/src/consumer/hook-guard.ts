// Observability never fails the work: a hook's error is logged (first time at warn) and swallowed.
import { describeError } from '../errors';
import type { LoggerLike } from '../options';

export type HookGuard = (name: string, fn: () => unknown) => void;

/** A guard that runs a hook, sync or async, and reports its failures through `logger` under `component`. */
export function createHookGuard(logger: LoggerLike, component: string): HookGuard {
  const hookFailures = new Set<string>();
  return (name, fn) => {
    const report = (err: unknown) => {
      const first = !hookFailures.has(name);
      hookFailures.add(name);
      const meta = { component, hook: name, ...describeError(err) };
      if (first) logger.warn(`hook ${name} failed (further failures at debug)`, meta);
      else logger.debug(`hook ${name} failed`, meta);
    };
    try {
      const result = fn();
      if (result && typeof (result as Promise<unknown>).then === 'function') (result as Promise<unknown>).catch(report);
    } catch (err) {
      report(err);
    }
  };
}
