import { PartitionQueue } from './partition-queue';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('PartitionQueue', () => {
  it('runs work of one key one at a time, in order', async () => {
    const queue = new PartitionQueue();
    const order: string[] = [];
    const gate = deferred();
    const first = queue.run('t/0', async () => {
      order.push('first start');
      await gate.promise;
      order.push('first end');
    });
    const second = queue.run('t/0', async () => {
      order.push('second');
    });
    await Promise.resolve();
    expect(order).toEqual(['first start']);
    gate.resolve();
    await Promise.all([first, second]);
    expect(order).toEqual(['first start', 'first end', 'second']);
  });

  it('runs work of other keys without waiting', async () => {
    const queue = new PartitionQueue();
    const gate = deferred();
    const blocked = queue.run('t/0', () => gate.promise);
    await expect(queue.run('t/1', async () => 'other')).resolves.toBe('other');
    gate.resolve();
    await blocked;
  });

  it('runs work queued behind a failure and gives each caller its own outcome', async () => {
    const queue = new PartitionQueue();
    const failed = queue.run('t/0', async () => {
      throw new Error('boom');
    });
    const next = queue.run('t/0', async () => 42);
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe(42);
  });

  it('forgets a key once its queue has drained', async () => {
    const queue = new PartitionQueue();
    const gate = deferred();
    const work = queue.run('t/0', () => gate.promise);
    expect(queue.size).toBe(1);
    gate.resolve();
    await work;
    await new Promise((r) => setImmediate(r));
    expect(queue.size).toBe(0);
  });
});
