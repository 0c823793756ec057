// Running the transform of a chunk so that one record can never stop or stall its partition. A transform is pure:
// if it throws, trying it again gives the same throw, so it is never retried. Instead the chunk is transformed
// record by record, and each record that throws alone is handed to `onTransformError`, which makes its outputs
// (normally its dead letter). Without that hook, or when the hook throws too, the error is fatal: stopping loudly
// beats a partition that retries the same record forever.
import { describeError, KafkaAdapterError } from '../errors';
import type { LoggerLike } from '../options';
import type { ConsumedRecord, OutgoingRecord } from '../types';
import type { OnTransformError, Transform, TransformResult } from './types';

export interface GuardedResult<O> {
  readonly records: readonly OutgoingRecord[];
  readonly outcomes: readonly O[];
  /** Records whose transform threw and that the hook turned into outputs. */
  readonly transformErrors: number;
}

function checked<O>(result: TransformResult<O>, inputs: number): TransformResult<O> {
  if (!result || !Array.isArray(result.records) || !Array.isArray(result.outcomes)) {
    throw new TypeError('transform must return { records, outcomes } arrays');
  }
  if (result.outcomes.length !== inputs) {
    throw new TypeError(`transform returned ${result.outcomes.length} outcomes for ${inputs} records`);
  }
  return result;
}

function fatal(record: ConsumedRecord, error: unknown, why: string): KafkaAdapterError {
  return new KafkaAdapterError(
    `transform threw on ${record.topic}/${record.partition} at offset ${record.offset} and ${why}: ${describeError(error).errorMessage}`,
    { code: 'TRANSFORM_FAILED', canRetry: false, cause: error },
  );
}

async function one<O>(
  record: ConsumedRecord,
  transform: Transform<O>,
  onError: OnTransformError<O> | undefined,
): Promise<[TransformResult<O>, boolean]> {
  try {
    return [checked(await transform([record]), 1), false];
  } catch (error) {
    if (!onError) throw fatal(record, error, 'no onTransformError hook can dead-letter it');
    try {
      return [checked(onError(record, error), 1), true];
    } catch (hookError) {
      throw fatal(record, error, `onTransformError threw too (${describeError(hookError).errorMessage})`);
    }
  }
}

/** Transforms a chunk; see the file comment for what happens when the transform throws. */
export async function guardedTransform<O>(
  records: readonly ConsumedRecord[],
  transform: Transform<O>,
  onError: OnTransformError<O> | undefined,
): Promise<GuardedResult<O>> {
  try {
    return { ...checked(await transform(records), records.length), transformErrors: 0 };
  } catch {
    // Which record threw is found below, one record at a time; the chunk's error says nothing more.
  }
  const out: OutgoingRecord[] = [];
  const outcomes: O[] = [];
  let transformErrors = 0;
  for (const record of records) {
    const [result, failed] = await one(record, transform, onError);
    out.push(...result.records);
    outcomes.push(...result.outcomes);
    if (failed) transformErrors += 1;
  }
  return { records: out, outcomes, transformErrors };
}

/** A transform that throws outside the guard is a bug in the caller's code: not retriable, it stops the runner. */
export function transformFailed(err: unknown): KafkaAdapterError {
  return err instanceof KafkaAdapterError
    ? err
    : new KafkaAdapterError(describeError(err).errorMessage, { code: 'TRANSFORM_FAILED', canRetry: false, cause: err });
}

/**
 * The chunk's guarded transform, or undefined once a throw that got past the guard was reported through `onFatal`:
 * the chunk then ends fatal, never in a retry loop (a pure function throws again).
 */
export async function transformOrStop<O>(
  records: readonly ConsumedRecord[],
  deps: {
    readonly transform: Transform<O>;
    readonly onTransformError?: OnTransformError<O>;
    onFatal(error: KafkaAdapterError): void;
  },
): Promise<GuardedResult<O> | undefined> {
  try {
    return await guardedTransform(records, deps.transform, deps.onTransformError);
  } catch (err) {
    deps.onFatal(transformFailed(err));
    return undefined;
  }
}

export function warnOfTransformErrors(transformErrors: number, logger: LoggerLike, where: object): void {
  if (transformErrors === 0) return;
  logger.warn('records whose processing threw were turned into dead letters', { ...where, records: transformErrors });
}
