// One piece of work at a time per key (exactly_once: one transaction at a time per partition, a chunk or a commit
// past control records). Work queued behind a failure still runs; a key whose queue has drained is forgotten, so a
// revoked partition leaves nothing behind.
export class PartitionQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `work` once everything queued before it under `key` has settled; its result or error is the caller's. */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, settled);
    void settled.then(() => {
      if (this.tails.get(key) === settled) this.tails.delete(key);
    });
    return next;
  }

  /** How many keys have work queued or running. */
  get size(): number {
    return this.tails.size;
  }
}
