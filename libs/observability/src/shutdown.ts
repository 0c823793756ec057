import type { Logger } from './logger';

export interface ShutdownOptions {
  logger: Pick<Logger, 'info' | 'error'>;
  /** Upper bound for all steps together; keep it below Kubernetes' 30 s terminationGracePeriodSeconds. */
  graceMs: number;
  /** The code for a failed step or an elapsed grace period: `EXIT.failure` of @login/config, the one table. */
  failureCode: number;
  /** How the shutdown ends: the app settles its run() with the code, and runProcess exits with it. */
  exit: (code: number) => void;
}

export interface Shutdown {
  /** Adds a step; steps run in the order they were added (e.g. stop consumer, flush producer, close server). */
  add(name: string, step: () => Promise<void> | void): void;
  /**
   * Runs every step once, then exits: with `exitCode` (default 0) when all steps succeeded, with `failureCode` when
   * one failed or the grace period ran out. Later calls return the same promise. Resolves once `exit` has been
   * called. Signals are `runProcess`'s: its stop handler triggers this.
   */
  trigger(reason: string, exitCode?: number): Promise<void>;
  readonly isShuttingDown: boolean;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export interface StopSignalOptions {
  /** True once the process is stopping: a signal then means "stop now". */
  stopping(): boolean;
  /** The first SIGTERM/SIGINT: finish the work in hand, then exit. */
  stop(signal: NodeJS.Signals): void;
  /** A signal while stopping: the operator insists. */
  stopNow(signal: NodeJS.Signals): void;
  /** Called if the process still runs this long after `stop` (an unref'd timer: it keeps nothing alive). */
  deadline?: { readonly ms: number; onElapsed(signal: NodeJS.Signals): void };
  /** Where signals come from; injectable for tests. */
  signals?: Pick<NodeJS.Process, 'on' | 'off'>;
}

/**
 * How every app of the pipeline answers SIGTERM and SIGINT (Ctrl-C): the first stops it gracefully, within a
 * deadline when one is given, and another one while stopping is obeyed at once. Returns a function removing the
 * handlers.
 */
export function onStopSignals(options: StopSignalOptions): () => void {
  const signals = options.signals ?? process;
  const onSignal = (signal: NodeJS.Signals) => {
    if (options.stopping()) {
      options.stopNow(signal);
      return;
    }
    options.stop(signal);
    const { deadline } = options;
    if (deadline) setTimeout(() => deadline.onElapsed(signal), deadline.ms).unref();
  };
  for (const signal of SIGNALS) signals.on(signal, onSignal);
  return () => {
    for (const signal of SIGNALS) signals.off(signal, onSignal);
  };
}

export function createShutdown(options: ShutdownOptions): Shutdown {
  const { logger, graceMs, failureCode, exit } = options;
  const steps: { name: string; step: () => Promise<void> | void }[] = [];
  let running: Promise<void> | undefined;
  let exited = false;

  const exitOnce = (code: number) => {
    if (exited) return;
    exited = true;
    exit(code);
  };

  const run = async (reason: string, exitCode: number): Promise<void> => {
    logger.info('shutting down', { reason, graceMs });
    let timer: NodeJS.Timeout | undefined;
    const graceElapsed = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        logger.error('shutdown grace period elapsed; exiting', { graceMs });
        exitOnce(failureCode);
        resolve();
      }, graceMs);
    });
    const runSteps = async (): Promise<void> => {
      let failed = false;
      for (const { name, step } of steps) {
        if (exited) return;
        try {
          await step();
        } catch (error) {
          failed = true;
          logger.error('shutdown step failed', { step: name, error });
        }
      }
      if (exited) return;
      logger.info('shutdown complete', { reason });
      exitOnce(failed ? failureCode : exitCode);
    };
    try {
      await Promise.race([runSteps(), graceElapsed]);
    } finally {
      clearTimeout(timer);
    }
  };

  const shutdown: Shutdown = {
    add(name, step) {
      if (running) throw new Error(`shutdown: cannot add step "${name}" after the shutdown started`);
      steps.push({ name, step });
    },
    trigger(reason, exitCode = 0) {
      running ??= run(reason, exitCode);
      return running;
    },
    get isShuttingDown() {
      return running !== undefined;
    },
  };
  return shutdown;
}
