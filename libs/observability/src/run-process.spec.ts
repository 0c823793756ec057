import { EventEmitter } from 'node:events';
import { runProcess } from './run-process';
import type { RunProcessOptions, StopHandlers } from './run-process';
import { createShutdown } from './shutdown';

function setup() {
  const signals = new EventEmitter();
  const exit = jest.fn();
  const crashed = jest.fn(() => 1);
  const options: RunProcessOptions = { crashed, exit, signals: signals as unknown as RunProcessOptions['signals'] };
  return { signals, exit, crashed, options };
}

describe('runProcess', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it("exits with the program's code", async () => {
    const { exit, options } = setup();
    await runProcess(() => Promise.resolve(3), options);
    expect(exit).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledWith(3);
  });

  it('ends through `end` when given (an app whose output must drain), keeping `exit` for signals', async () => {
    const { exit, options } = setup();
    const end = jest.fn();
    await runProcess(() => Promise.resolve(0), { ...options, end });
    expect(end).toHaveBeenCalledWith(0);
    expect(exit).not.toHaveBeenCalled();
  });

  it('exits with the code `crashed` returns when the program throws', async () => {
    const { exit, crashed, options } = setup();
    const error = new Error('bug');
    await runProcess(() => Promise.reject(error), options);
    expect(crashed).toHaveBeenCalledWith(error);
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('aborts the stop signal with the first signal, exits at once on the next', async () => {
    const { signals, exit, options } = setup();
    const calls: string[] = [];
    let release = (): void => undefined;
    const done = runProcess(async ({ stop, onStopSignals }) => {
      onStopSignals({
        stop: (signal) => calls.push(`stop ${signal}`),
        stopNow: (signal) => {
          calls.push(`stopNow ${signal}`);
          return 130;
        },
      });
      await new Promise<void>((resolve) => (release = resolve));
      calls.push(`aborted ${String(stop.aborted)}`);
      return 0;
    }, options);
    signals.emit('SIGINT', 'SIGINT');
    signals.emit('SIGTERM', 'SIGTERM');
    expect(exit).toHaveBeenCalledWith(130);
    release();
    await done;
    expect(calls).toEqual(['stop SIGINT', 'stopNow SIGTERM', 'aborted true']);
    // The second signal's exit is the only one.
    expect(exit).toHaveBeenCalledTimes(1);
  });

  it("exits with the deadline's code when the program outlives it", async () => {
    jest.useFakeTimers();
    const { signals, exit, options } = setup();
    void runProcess(({ onStopSignals }) => {
      onStopSignals({ stopNow: () => 130, deadline: { ms: 8_000, onElapsed: () => 1 } });
      return new Promise<number>(() => undefined);
    }, options);
    await jest.advanceTimersByTimeAsync(0);
    signals.emit('SIGTERM', 'SIGTERM');
    await jest.advanceTimersByTimeAsync(7_999);
    expect(exit).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(exit).toHaveBeenCalledWith(1);
  });

  // How the processor wires its ordered shutdown steps to the signals.
  describe('with createShutdown', () => {
    function service(options: RunProcessOptions, steps: (shutdown: ReturnType<typeof createShutdown>) => void) {
      const logger = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
      let shutdown!: ReturnType<typeof createShutdown>;
      let uninstall = (): void => undefined;
      const done = runProcess(
        ({ onStopSignals }) =>
          new Promise<number>((resolve) => {
            shutdown = createShutdown({ logger, graceMs: 1_000, failureCode: 1, exit: resolve });
            steps(shutdown);
            const handlers: StopHandlers = {
              stopping: () => shutdown.isShuttingDown,
              stop: (signal) => void shutdown.trigger(signal),
              stopNow: (signal) => {
                logger.warn('second signal; exiting now', { signal });
                return 1;
              },
            };
            uninstall = onStopSignals(handlers);
          }),
        options,
      );
      return { logger, done, shutdown: () => shutdown, uninstall: () => uninstall() };
    }

    it('starts on SIGTERM and forces exit 1 on a second signal', async () => {
      const { signals, exit, options } = setup();
      let release = (): void => undefined;
      const run = service(options, (shutdown) =>
        shutdown.add('slow', () => new Promise<void>((resolve) => (release = resolve))),
      );
      signals.emit('SIGTERM', 'SIGTERM');
      expect(run.shutdown().isShuttingDown).toBe(true);
      signals.emit('SIGINT', 'SIGINT');
      expect(exit).toHaveBeenCalledWith(1);
      expect(run.logger.warn).toHaveBeenCalledWith('second signal; exiting now', { signal: 'SIGINT' });
      release();
      await run.shutdown().trigger('ignored');
      await run.done;
      expect(exit).toHaveBeenCalledTimes(1);
      run.uninstall();
      expect(signals.listenerCount('SIGTERM')).toBe(0);
      expect(signals.listenerCount('SIGINT')).toBe(0);
    });

    it('starts on SIGINT', async () => {
      const { signals, exit, options } = setup();
      const run = service(options, () => undefined);
      signals.emit('SIGINT', 'SIGINT');
      await run.shutdown().trigger('ignored');
      await run.done;
      expect(run.logger.info).toHaveBeenCalledWith('shutting down', { reason: 'SIGINT', graceMs: 1_000 });
      expect(exit).toHaveBeenCalledWith(0);
    });
  });
});
