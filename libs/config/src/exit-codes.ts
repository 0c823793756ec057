/**
 * The exit codes of every service and command (docs/contracts.md#exit-codes), in one table so the apps cannot drift
 * apart: 0 done (or stopped by a signal after draining), 1 a fatal error or an interrupted run, 2 bad configuration
 * or flags, 3 another replay on the same group fenced this one, 130 a second SIGINT/SIGTERM that did not wait.
 */
export const EXIT = Object.freeze({ ok: 0, failure: 1, usage: 2, busy: 3, interrupted: 130 } as const);

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
