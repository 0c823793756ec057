// The batch consumer's factory, behind KafkaClient.batchConsumer: it checks the options once, makes the runner's
// collaborators (the producer unless the caller shares one, the sleeper that stop wakes, the hook guard, the retry
// policy) and hands out only the public BatchConsumer, so the runner class stays internal.
import type { Kafka } from 'kafkajs';
import { createSleeper } from '../backoff';
import { resolveRetryPolicy, type LoggerLike } from '../options';
import { createRecordProducer } from '../producer/record-producer';
import { BATCH_CONSUMER_COMPONENT, BatchConsumerRunner } from './batch-consumer';
import { validateBatchConsumerOptions } from './consumer-options';
import { createHookGuard } from './hook-guard';
import type { BatchConsumer, BatchConsumerOptions } from './types';

/** Made by KafkaClient.batchConsumer; `clientLogger` is the client's (the runner logs to `options.logger`). */
export function createBatchConsumer<O>(
  kafka: Kafka,
  clientLogger: LoggerLike,
  options: BatchConsumerOptions<O>,
): BatchConsumer {
  validateBatchConsumerOptions(options);
  const retry = resolveRetryPolicy(options.retry);
  const runner = new BatchConsumerRunner(options, {
    kafka,
    clientLogger,
    producer: options.producer ?? createRecordProducer(kafka, clientLogger, options.producerOptions ?? {}),
    ownProducer: options.producer === undefined,
    sleeper: createSleeper(),
    guard: createHookGuard(options.logger, BATCH_CONSUMER_COMPONENT),
    retry,
  });
  return {
    start: () => runner.start(),
    stop: () => runner.stop(),
    isReady: () => runner.isReady(),
    done: runner.done,
  };
}
