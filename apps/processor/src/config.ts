import { composeConfig, defineConfig, kafkaConfigSpec, observabilityConfigSpec, topicNameSchema } from '@login/config';
import type { ConfigIssue, ConfigValues } from '@login/config';
import {
  DEFAULT_RECORD_LIMITS,
  DEFAULT_TOPICS,
  LINEAGE_KEY_ID_PATTERN,
  LINEAGE_KEY_MIN_BYTES,
} from '@login/event-schema';
import { BATCH_CONSUMER_DEFAULTS } from '@login/kafka';
import { DEVELOPMENT_KEY_ID, KEY_ID_PATTERN, MIN_KEY_BYTES, keyHygieneProblems } from '@login/masking';

const TOPIC = topicNameSchema;

const processorVariables = {
  INPUT_TOPIC: { schema: TOPIC, default: DEFAULT_TOPICS.input, description: 'Topic of the raw login events.' },
  OUTPUT_TOPIC: {
    schema: TOPIC,
    default: DEFAULT_TOPICS.output,
    description: 'Topic of the validated, masked, enriched events.',
  },
  DLQ_TOPIC: {
    schema: TOPIC,
    default: DEFAULT_TOPICS.dlq,
    description: 'Dead letter topic: records that cannot be processed, unchanged, with the reason in headers.',
  },
  CONSUMER_GROUP: {
    schema: { type: 'string', minLength: 1, maxLength: 255 },
    default: 'login-processor',
    description: 'Consumer group of the processor.',
  },
  MASKING_KEY: {
    // Characters here; the masking library's hygiene rules (processorChecks) count UTF-8 bytes.
    schema: { type: 'string', minLength: MIN_KEY_BYTES },
    required: true,
    secret: true,
    description: `Secret key of the device_id pseudonyms (HMAC-SHA-256), at least ${MIN_KEY_BYTES} characters (\`openssl rand -base64 32\`). Refused when trivially repetitive (fewer than 8 distinct bytes, or one block repeated) and when it is a development key committed to this repository under any MASKING_KEY_ID but \`${DEVELOPMENT_KEY_ID}\`.`,
  },
  MASKING_KEY_ID: {
    // The masking library's rule: the key id is part of every pseudonym it writes.
    schema: { type: 'string', pattern: KEY_ID_PATTERN.source },
    default: 'k1',
    description: `Id of MASKING_KEY, written into every pseudonym so keys can be rotated. \`${DEVELOPMENT_KEY_ID}\` marks a development key: the processor warns at start, and refuses it with NODE_ENV=production.`,
  },
  NODE_ENV: {
    // Not `production` by default: a bare `node main.js` is a developer's; the images set NODE_ENV=production.
    schema: { type: 'string', enum: ['development', 'production', 'test'] },
    default: 'development',
    description: `Where the processor runs; the container images set \`production\`, which refuses MASKING_KEY_ID=${DEVELOPMENT_KEY_ID}.`,
  },
  LINEAGE_KEY: {
    // Characters, each at least one UTF-8 byte: the HMAC key is never shorter than its 32-byte output.
    schema: { type: 'string', minLength: LINEAGE_KEY_MIN_BYTES },
    required: true,
    secret: true,
    description: `Secret key the replayer signs the replay lineage with (HMAC-SHA-256), at least ${LINEAGE_KEY_MIN_BYTES} characters: the processor keeps a replayed record's event_id only when its signature verifies. The same key as the replayer's.`,
  },
  LINEAGE_KEY_ID: {
    schema: { type: 'string', pattern: LINEAGE_KEY_ID_PATTERN.source },
    default: 'k1',
    description: 'Id of LINEAGE_KEY (`__dlq.replay.key.id`), so the key can be rotated.',
  },
  LINEAGE_PREVIOUS_KEY: {
    schema: { type: 'string', minLength: LINEAGE_KEY_MIN_BYTES },
    secret: true,
    description:
      'During a rotation: the previous lineage key, still accepted (records the replayer signed with it may wait in the input). Deploy the processor with the new LINEAGE_KEY and this first, then the replayer with the new key.',
  },
  LINEAGE_PREVIOUS_KEY_ID: {
    schema: { type: 'string', pattern: LINEAGE_KEY_ID_PATTERN.source },
    description: 'Id of LINEAGE_PREVIOUS_KEY; required with it, and different from LINEAGE_KEY_ID.',
  },
  MASKING_IP_STRATEGY: {
    schema: { type: 'string', enum: ['truncate', 'hmac', 'redact'] },
    default: 'truncate',
    description:
      'How `ip` is masked: truncate (IPv4 /24, IPv6 /48, an IPv4 embedded in IPv6 to its /24), hmac (keyed pseudonym) or redact.',
  },
  SUMMARY_INTERVAL_MS: {
    schema: { type: 'integer', minimum: 1000 },
    default: 10_000,
    description: 'Interval of the periodic summary log line.',
  },
  MAX_CLOCK_SKEW_MS: {
    schema: { type: 'integer', minimum: 0 },
    default: 300_000,
    description: 'How far in the future an event time may lie.',
  },
  MAX_VALUE_BYTES: {
    schema: { type: 'integer', minimum: 1, maximum: 10_485_760 },
    default: 65_536,
    description: 'Larger values are dead-lettered as VALUE_TOO_LARGE.',
  },
  MAX_KEY_BYTES: {
    schema: { type: 'integer', minimum: 1, maximum: 1_048_576 },
    default: DEFAULT_RECORD_LIMITS.maxKeyBytes,
    description: 'Records with a larger key are dead-lettered as KEY_TOO_LARGE, without the key.',
  },
  MAX_HEADER_COUNT: {
    schema: { type: 'integer', minimum: 0, maximum: 100_000 },
    default: DEFAULT_RECORD_LIMITS.maxHeaderCount,
    description:
      'Records with more header values (a repeated header counts once per value) are dead-lettered as HEADERS_TOO_LARGE, without their headers.',
  },
  MAX_HEADER_BYTES: {
    schema: { type: 'integer', minimum: 0, maximum: 1_048_576 },
    default: DEFAULT_RECORD_LIMITS.maxHeaderBytes,
    description:
      'Records whose header names and values exceed this many bytes are dead-lettered as HEADERS_TOO_LARGE, without their headers.',
  },
  MAX_DECOMPRESSED_BATCH_BYTES: {
    schema: { type: 'integer', minimum: 1_048_576, maximum: 1_073_741_824 },
    default: 33_554_432,
    description:
      'A compressed record batch that would decompress to more than this is not decompressed (a compression bomb takes the heap): it is dead-lettered by reference as BATCH_TOO_LARGE, one dead letter for all of its records, and the partition moves on.',
  },
  SHUTDOWN_GRACE_MS: {
    schema: { type: 'integer', minimum: 1000, maximum: 120_000 },
    default: 25_000,
    description: "On SIGTERM, finish and commit the in-flight batch within this time (below Kubernetes' 30 s).",
  },
  BATCH_MAX_RECORDS: {
    schema: { type: 'integer', minimum: 1, maximum: 100_000 },
    default: 2000,
    description:
      'Records transformed, produced and committed together (a fetched batch is split into chunks of this size).',
  },
  FETCH_MAX_BYTES_PER_PARTITION: {
    schema: { type: 'integer', minimum: 1024 },
    default: 1_048_576,
    description: 'Upper bound of one fetch per partition: bounds memory with the number of partitions.',
  },
  PARTITIONS_CONSUMED_CONCURRENTLY: {
    schema: { type: 'integer', minimum: 1, maximum: 64 },
    default: 3,
    description: 'Partitions processed in parallel by one instance.',
  },
  PROCESSING_GUARANTEE: {
    schema: { type: 'string', enum: ['at_least_once', 'exactly_once'] },
    default: 'at_least_once',
    description:
      "at_least_once: outputs are acknowledged, then the offset is committed (a crash can duplicate outputs, never lose one). exactly_once: each chunk's outputs, dead letters and input offset are one Kafka transaction (one transactional id per input partition); consumers reading with isolation.level=read_committed see every outcome once.",
  },
  KAFKA_SESSION_TIMEOUT_MS: {
    schema: { type: 'integer', minimum: 6000, maximum: 300_000 },
    // One default from this variable to kafkajs: the batch runner's.
    default: BATCH_CONSUMER_DEFAULTS.sessionTimeout,
    description:
      'How long the group waits for a silent member (a killed pod) before its partitions move to the others. Lower: faster takeover; too low: a long GC pause or a busy node triggers a rebalance.',
  },
  KAFKA_HEARTBEAT_INTERVAL_MS: {
    schema: { type: 'integer', minimum: 100, maximum: 100_000 },
    default: BATCH_CONSUMER_DEFAULTS.heartbeatInterval,
    description: 'Heartbeats to the group coordinator; at most a third of KAFKA_SESSION_TIMEOUT_MS.',
  },
  KAFKA_REBALANCE_TIMEOUT_MS: {
    schema: { type: 'integer', minimum: 1000, maximum: 600_000 },
    default: BATCH_CONSUMER_DEFAULTS.rebalanceTimeout,
    description: 'How long a rebalance waits for every member to rejoin (finishing its in-flight chunk first).',
  },
} as const;

function processorChecks(cfg: ConfigValues<typeof processorVariables>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (cfg.DLQ_TOPIC === cfg.INPUT_TOPIC)
    issues.push({
      variable: 'DLQ_TOPIC',
      message: `must differ from INPUT_TOPIC (both "${cfg.INPUT_TOPIC}"): dead letters would be consumed again`,
    });
  if (cfg.DLQ_TOPIC === cfg.OUTPUT_TOPIC)
    issues.push({
      variable: 'DLQ_TOPIC',
      message: `must differ from OUTPUT_TOPIC (both "${cfg.OUTPUT_TOPIC}"): raw PII would reach the output topic`,
    });
  if (cfg.OUTPUT_TOPIC === cfg.INPUT_TOPIC)
    issues.push({ variable: 'OUTPUT_TOPIC', message: `must differ from INPUT_TOPIC (both "${cfg.INPUT_TOPIC}")` });
  issues.push(...lineageKeyChecks(cfg));
  if (cfg.KAFKA_HEARTBEAT_INTERVAL_MS * 3 > cfg.KAFKA_SESSION_TIMEOUT_MS) {
    issues.push({
      variable: 'KAFKA_HEARTBEAT_INTERVAL_MS',
      message: `must be at most a third of KAFKA_SESSION_TIMEOUT_MS (${cfg.KAFKA_SESSION_TIMEOUT_MS}), or one lost heartbeat can cost the membership`,
    });
  }
  issues.push(...maskingKeyIssues(cfg));
  return issues;
}

// A key or id already reported as wrong (too short, a bad pattern) is unset here: nothing more to say about it.
function maskingKeyIssues(cfg: ConfigValues<typeof processorVariables>): ConfigIssue[] {
  const { MASKING_KEY: key, MASKING_KEY_ID: keyId, NODE_ENV: nodeEnv } = cfg as Partial<typeof cfg>;
  if (key === undefined || keyId === undefined) return [];
  return keyHygieneProblems(key, keyId, nodeEnv).map((problem) => ({
    variable: problem.subject === 'key' ? 'MASKING_KEY' : 'MASKING_KEY_ID',
    message: problem.message,
  }));
}

function lineageKeyChecks(cfg: ConfigValues<typeof processorVariables>): ConfigIssue[] {
  const previousKey = cfg.LINEAGE_PREVIOUS_KEY !== undefined;
  const previousId = cfg.LINEAGE_PREVIOUS_KEY_ID !== undefined;
  if (previousKey && !previousId)
    return [{ variable: 'LINEAGE_PREVIOUS_KEY_ID', message: 'is required with LINEAGE_PREVIOUS_KEY' }];
  if (previousId && !previousKey)
    return [{ variable: 'LINEAGE_PREVIOUS_KEY', message: 'is required with LINEAGE_PREVIOUS_KEY_ID' }];
  if (previousId && cfg.LINEAGE_PREVIOUS_KEY_ID === cfg.LINEAGE_KEY_ID)
    return [
      {
        variable: 'LINEAGE_PREVIOUS_KEY_ID',
        message: `must differ from LINEAGE_KEY_ID (both "${cfg.LINEAGE_KEY_ID}")`,
      },
    ];
  return [];
}

export const processorConfigSpec = composeConfig(
  kafkaConfigSpec,
  observabilityConfigSpec,
  defineConfig(processorVariables, { checks: processorChecks }),
);

export type ProcessorConfig = ConfigValues<(typeof processorConfigSpec)['variables']>;
