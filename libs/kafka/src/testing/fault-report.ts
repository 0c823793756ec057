// TEMPORARY (lead's stand-in until the tools branch lands its soak plumbing).
import fs from 'node:fs';

export interface FaultRun {
  readonly test: string;
  readonly inputs: number;
  readonly lost: number;
  readonly duplicates: number;
  readonly recoveryMs?: number;
  readonly processorExits?: number;
  readonly [extra: string]: unknown;
}

/** Appends the run's figures to FAULT_REPORT_FILE (npm run soak), and prints them. */
export function reportFaultRun(run: FaultRun): void {
  process.stdout.write(`[fault] ${JSON.stringify(run)}\n`);
  const file = process.env['FAULT_REPORT_FILE'];
  if (file) fs.appendFileSync(file, `${JSON.stringify(run)}\n`);
}
