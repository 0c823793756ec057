import { EventEmitter } from 'node:events';
import { createShutdown, onStopSignals } from './shutdown';
import type { ShutdownOptions, StopSignalOptions } from './shutdown';

function setup(overrides: Partial<ShutdownOptions> = {}) {
  const logger = { info: jest.fn(), error: jest.fn() };
  const exit = jest.fn();
  const shutdown = createShutdown({ logger, graceMs: 1_000, failureCode: 1, exit, ...overrides });
  return { shutdown, logger, exit };
}

describe('createShutdown', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('runs the steps in order and exits 0', async () => {
    const { shutdown, exit } = setup();
    const order: string[] = [];
    shutdown.add('stop consumer', async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push('consumer');
    });
    shutdown.add('close server', () => {
      order.push('server');
    });
    await shutdown.trigger('test');
    expect(order).toEqual(['consumer', 'server']);
    expect(exit).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledWith(0);
  });

  it('logs a failing step, runs the next ones and exits 1', async () => {
    const { shutdown, exit, logger } = setup();
    const later = jest.fn();
    shutdown.add('disconnect', () => {
      throw new Error('broker gone');
    });
    shutdown.add('close server', later);
    await shutdown.trigger('test');
    expect(later).toHaveBeenCalled();
    expect(logger.error).toHaveBeenCalledWith(
      'shutdown step failed',
      expect.objectContaining({ step: 'disconnect', error: expect.any(Error) }),
    );
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('exits with the requested code, e.g. after a fatal error', async () => {
    const { shutdown, exit } = setup();
    await shutdown.trigger('consumer crashed', 1);
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('exits 1 when the grace period elapses and skips the remaining steps', async () => {
    jest.useFakeTimers();
    const { shutdown, exit, logger } = setup({ graceMs: 500 });
    const after = jest.fn();
    shutdown.add('hang', () => new Promise<void>(() => undefined));
    shutdown.add('after', after);
    const done = shutdown.trigger('test');
    await jest.advanceTimersByTimeAsync(500);
    await done;
    expect(exit).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledWith(1);
    expect(after).not.toHaveBeenCalled();
    expect(logger.error).toHaveBeenCalledWith('shutdown grace period elapsed; exiting', { graceMs: 500 });
  });

  it('runs once however often it is triggered', async () => {
    const { shutdown, exit } = setup();
    const step = jest.fn();
    shutdown.add('step', step);
    const first = shutdown.trigger('a');
    expect(shutdown.trigger('b')).toBe(first);
    await first;
    expect(step).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledTimes(1);
    expect(shutdown.isShuttingDown).toBe(true);
  });

  it('refuses steps added after the start', async () => {
    const { shutdown } = setup();
    await shutdown.trigger('a');
    expect(() => shutdown.add('late', () => undefined)).toThrow(/after the shutdown started/);
  });
});

describe('onStopSignals', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  function setupSignals(deadlineMs?: number) {
    const signals = new EventEmitter();
    let stopping = false;
    const calls: string[] = [];
    const uninstall = onStopSignals({
      stopping: () => stopping,
      stop: (signal) => {
        stopping = true;
        calls.push(`stop ${signal}`);
      },
      stopNow: (signal) => calls.push(`stopNow ${signal}`),
      ...(deadlineMs === undefined
        ? {}
        : { deadline: { ms: deadlineMs, onElapsed: (signal) => calls.push(`deadline ${signal}`) } }),
      signals: signals as unknown as StopSignalOptions['signals'],
    });
    return { signals, calls, uninstall };
  }

  it('stops on the first SIGTERM or SIGINT and stops now on the next', () => {
    const { signals, calls, uninstall } = setupSignals();
    signals.emit('SIGINT', 'SIGINT');
    signals.emit('SIGTERM', 'SIGTERM');
    expect(calls).toEqual(['stop SIGINT', 'stopNow SIGTERM']);
    uninstall();
    expect(signals.listenerCount('SIGTERM')).toBe(0);
    expect(signals.listenerCount('SIGINT')).toBe(0);
  });

  it('calls the deadline once it has passed after the first signal', () => {
    jest.useFakeTimers();
    const { signals, calls } = setupSignals(8_000);
    signals.emit('SIGTERM', 'SIGTERM');
    jest.advanceTimersByTime(7_999);
    expect(calls).toEqual(['stop SIGTERM']);
    jest.advanceTimersByTime(1);
    expect(calls).toEqual(['stop SIGTERM', 'deadline SIGTERM']);
  });
});
