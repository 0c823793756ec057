// Readiness of the batch consumer (/readyz): one place that knows why the runner is not ready, and reports each
// change once. A partition that is retrying makes the runner not ready; it stops counting as soon as its chunk ends
// in any way (committed, abandoned, handed back to kafkajs by a rebalance) or the partition is no longer assigned,
// so a revoked partition can never keep the runner not ready for good.
import type { Readiness } from './types';

export interface ReadinessInputs {
  /** Whether the producer can send (checked at every question, it can change without telling us). */
  readonly producerConnected: () => boolean;
  /** Called once per change of the answer, with the first reason when not ready. */
  readonly onChange: (ready: boolean, reason: string | undefined) => void;
}

const tpKey = (topic: string, partition: number) => `${topic}/${partition}`;

// What /readyz may show of a failure: a code, or a stage and a code (`MESSAGE_TOO_LARGE`, `send CONNECTION_ERROR`),
// never text. A caller that passes an error message by mistake (it can quote the record, a broker address, an IP)
// gets `UNKNOWN` shown instead: /readyz is answered to anyone who can reach the port.
const WORD = '[A-Za-z][A-Za-z0-9_-]{0,63}';
const CODES = new RegExp(`^${WORD}( ${WORD})?$`);

/** `why` when it is one or two code words, otherwise `UNKNOWN`. */
export function reasonCodes(why: string): string {
  return CODES.test(why) ? why : 'UNKNOWN';
}

export class ReadinessTracker {
  private started = false;
  private joined = false;
  private stopping = false;
  private fatal: string | undefined;
  private readonly retrying = new Map<string, { topic: string; partition: number; why: string }>();
  private last = false;

  constructor(private readonly inputs: ReadinessInputs) {}

  reasons(): string[] {
    const out: string[] = [];
    if (this.fatal !== undefined) out.push(`fatal error: ${reasonCodes(this.fatal)}`);
    if (this.stopping) out.push('stopping');
    if (!this.started) out.push('not started');
    if (!this.joined) out.push('consumer has not joined the group');
    if (!this.inputs.producerConnected()) out.push('producer not connected');
    for (const [tp, { why }] of this.retrying) out.push(`retrying ${tp}: ${reasonCodes(why)}`);
    return out;
  }

  current(): Readiness {
    const reasons = this.reasons();
    return { ready: reasons.length === 0, reasons };
  }

  /** Re-evaluates and reports a change; call after anything that can change the answer. */
  refresh(): void {
    const reasons = this.reasons();
    const ready = reasons.length === 0;
    if (ready === this.last) return;
    this.last = ready;
    this.inputs.onChange(ready, reasons[0]);
  }

  setStarted(value: boolean): void {
    this.started = value;
    this.refresh();
  }

  setJoined(value: boolean): void {
    this.joined = value;
    this.refresh();
  }

  setStopping(): void {
    this.stopping = true;
    this.refresh();
  }

  setFatal(code: string): void {
    this.fatal ??= code;
    this.refresh();
  }

  retryingPartition(topic: string, partition: number, why: string): void {
    this.retrying.set(tpKey(topic, partition), { topic, partition, why });
    this.refresh();
  }

  /** The partition's chunk ended, however: it no longer makes the runner not ready. */
  settled(topic: string, partition: number): void {
    if (this.retrying.delete(tpKey(topic, partition))) this.refresh();
  }

  /** After a (re)join: partitions this member no longer owns are forgotten. */
  assigned(isAssigned: (topic: string, partition: number) => boolean): void {
    let changed = false;
    for (const [key, { topic, partition }] of this.retrying) {
      if (!isAssigned(topic, partition)) changed = this.retrying.delete(key) || changed;
    }
    if (changed) this.refresh();
  }
}
