import { onStopSignals } from './shutdown';

/** How an app answers SIGTERM/SIGINT once it can (e.g. once it has a logger). */
export interface StopHandlers {
  /** True once the app is stopping for another reason too (default: after the first signal). */
  stopping?(): boolean;
  /** The first signal, just before `ProcessContext.stop` aborts: e.g. a log line, or starting a shutdown. */
  stop?(signal: NodeJS.Signals): void;
  /** A signal while stopping: the operator insists. Says so and returns the code to exit with at once. */
  stopNow(signal: NodeJS.Signals): number;
  /** Should the app still run this long after the first signal: says so and returns the code to exit with. */
  deadline?: { readonly ms: number; onElapsed(signal: NodeJS.Signals): number };
}

/** What `runProcess` hands the program: the process-level parts an app must not reach for itself. */
export interface ProcessContext {
  /** Aborted by the first SIGTERM/SIGINT after `onStopSignals` (an AbortError reason, as the apps always had). */
  readonly stop: AbortSignal;
  /**
   * From now on signals are answered with `handlers`; before, Node's default (exit at once) holds. Returns a
   * function removing the handlers.
   */
  onStopSignals(handlers: StopHandlers): () => void;
}

export interface RunProcessOptions {
  /** The program threw instead of returning a code (a bug): says so, returns the code to exit with. */
  crashed(error: unknown): number;
  /** Ends the process at once (a second signal, a deadline); `process.exit` by default. */
  exit?: (code: number) => void;
  /**
   * Ends the process with the program's own code; `exit` by default. An app whose output must drain first (stdout
   * to a pipe) may set `process.exitCode` instead and let Node exit once nothing is left to do.
   */
  end?: (code: number) => void;
  /** Where signals come from; injectable for tests. */
  signals?: Pick<NodeJS.Process, 'on' | 'off'>;
}

/**
 * The one way every app of the pipeline runs as a process: `program` gets the stop signal and says how to answer
 * SIGTERM/SIGINT; the code it resolves to (or a second signal's, or a deadline's) is the exit code. Resolves once
 * `exit` has been called, for tests; an app's main.ts ignores it.
 */
export async function runProcess(
  program: (context: ProcessContext) => Promise<number>,
  options: RunProcessOptions,
): Promise<void> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let exitedNow = false;
  const exitNow = (code: number) => {
    exitedNow = true;
    exit(code);
  };
  const stop = new AbortController();
  const context: ProcessContext = {
    stop: stop.signal,
    onStopSignals: (handlers) => answerSignals(handlers, stop, exitNow, options.signals),
  };
  let code: number;
  try {
    code = await program(context);
  } catch (error) {
    code = options.crashed(error);
  }
  // A second signal's exit is final; only a test's injected `exit` returns, and must not see the program's too.
  if (!exitedNow) (options.end ?? exit)(code);
}

/** Wires `handlers` to the signals; the first signal aborts `stop`, the codes handlers return end the process. */
function answerSignals(
  handlers: StopHandlers,
  stop: AbortController,
  exit: (code: number) => void,
  signals: RunProcessOptions['signals'],
): () => void {
  const { deadline } = handlers;
  return onStopSignals({
    stopping: handlers.stopping ?? (() => stop.signal.aborted),
    stop: (signal) => {
      handlers.stop?.(signal);
      stop.abort();
    },
    stopNow: (signal) => exit(handlers.stopNow(signal)),
    ...(deadline ? { deadline: { ms: deadline.ms, onElapsed: (signal) => exit(deadline.onElapsed(signal)) } } : {}),
    ...(signals ? { signals } : {}),
  });
}
