import { createHookGuard } from './hook-guard';

const recordingLogger = () => {
  const lines: { level: string; message: string; meta: object | undefined }[] = [];
  const at =
    (level: string) =>
    (message: string, meta?: object): void => {
      lines.push({ level, message, meta });
    };
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
};

describe('createHookGuard', () => {
  it('swallows a throwing hook, at warn the first time and at debug after', () => {
    const { lines, logger } = recordingLogger();
    const guard = createHookGuard(logger, 'test');
    const boom = () => {
      throw new Error('boom');
    };
    expect(() => guard('onChunk', boom)).not.toThrow();
    guard('onChunk', boom);
    expect(lines.map((l) => [l.level, l.message])).toEqual([
      ['warn', 'hook onChunk failed (further failures at debug)'],
      ['debug', 'hook onChunk failed'],
    ]);
    expect(lines[0]?.meta).toMatchObject({ component: 'test', hook: 'onChunk' });
  });

  it('counts first failures per hook name', () => {
    const { lines, logger } = recordingLogger();
    const guard = createHookGuard(logger, 'test');
    guard('onChunk', () => {
      throw new Error('a');
    });
    guard('onRetry', () => {
      throw new Error('b');
    });
    expect(lines.map((l) => l.level)).toEqual(['warn', 'warn']);
  });

  it('reports a rejected async hook without rejecting', async () => {
    const { lines, logger } = recordingLogger();
    const guard = createHookGuard(logger, 'test');
    guard('onFatal', () => Promise.reject(new Error('later')));
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => l.level)).toEqual(['warn']);
  });

  it('logs nothing for a hook that succeeds', () => {
    const { lines, logger } = recordingLogger();
    createHookGuard(logger, 'test')('onChunk', () => 1);
    expect(lines).toEqual([]);
  });
});
