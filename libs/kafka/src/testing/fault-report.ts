import fs from 'node:fs';

/** One run of one fault test, as `npm run soak` tabulates it (tools/soak). */
export interface FaultRunResult {
  /** The test's name, as the soak table shows it. */
  readonly test: string;
  /** Input records the run produced. */
  readonly inputs: number;
  /** Input records with no outcome (neither output nor dead letter): anything above 0 fails the soak. */
  readonly lost: number;
  /** Outcomes written more than once (at-least-once delivery allows them; the soak reports them). */
  readonly duplicates: number;
  /** From the fault until the pipeline made progress again. */
  readonly recoveryMs?: number;
  /** How many times a processor exited during the run (not counting the test's own stop). */
  readonly processorExits?: number;
  /** Anything else worth keeping (a number, a string): the soak prints it as is. */
  readonly [extra: string]: unknown;
}

/**
 * Prints the run's result (so a plain `npm test` log shows the figures too) and appends it as one JSON line to the
 * file named by FAULT_REPORT_FILE, which `npm run soak` sets.
 */
export function reportFaultRun(result: FaultRunResult): void {
  process.stdout.write(`[fault] ${JSON.stringify(result)}\n`);
  const file = process.env['FAULT_REPORT_FILE'];
  if (file) fs.appendFileSync(file, `${JSON.stringify(result)}\n`);
}
