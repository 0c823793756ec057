import { defineConfig } from './define-config';
import type { ConfigIssue, ConfigValues, VariableSpecs } from './types';

/** A topic name Kafka accepts: letters, digits, `.`, `_` and `-`, at most 249 characters. */
export const topicNameSchema = { type: 'string', pattern: '^[A-Za-z0-9._-]{1,249}$' } as const;

const kafkaVariables = {
  KAFKA_BROKERS: {
    list: true,
    schema: { type: 'string', pattern: '^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+):[0-9]{1,5}$' },
    default: ['127.0.0.1:9092'],
    flag: 'brokers',
    short: 'b',
    placeholder: 'LIST',
    description: 'Bootstrap brokers as host:port.',
    example: 'kafka-0:9092,kafka-1:9092',
  },
  KAFKA_CLIENT_ID: {
    schema: { type: 'string', minLength: 1, maxLength: 255 },
    description: "Client id sent to the brokers (quotas, logs); defaults to the app's name.",
  },
  KAFKA_REQUEST_TIMEOUT_MS: {
    schema: { type: 'integer', minimum: 1000, maximum: 300_000 },
    default: 30_000,
    description:
      "How long a request to a broker may wait for its answer; then the connection is closed and the partitions' leaders are looked up again, so a frozen broker's partitions move on after about this long.",
  },
  KAFKA_SSL: {
    schema: { type: 'boolean' },
    default: false,
    description: 'Connect with TLS.',
  },
  KAFKA_SSL_CA_FILE: {
    file: true,
    description: "PEM file of the CA that signed the brokers' certificates (default: the system's CAs).",
  },
  KAFKA_SSL_CERT_FILE: { file: true, description: 'PEM client certificate for mutual TLS; needs KAFKA_SSL_KEY_FILE.' },
  KAFKA_SSL_KEY_FILE: { file: true, description: 'PEM private key of KAFKA_SSL_CERT_FILE.' },
  KAFKA_SASL_MECHANISM: {
    schema: { type: 'string', enum: ['plain', 'scram-sha-256', 'scram-sha-512'] },
    description: 'SASL authentication; unset means none. Needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD.',
  },
  KAFKA_SASL_USERNAME: { schema: { type: 'string', minLength: 1 }, description: 'SASL user name.' },
  KAFKA_SASL_PASSWORD: { schema: { type: 'string', minLength: 1 }, secret: true, description: 'SASL password.' },
  KAFKA_SASL_ALLOW_PLAINTEXT: {
    schema: { type: 'boolean' },
    default: false,
    description:
      'Allow KAFKA_SASL_MECHANISM=plain without KAFKA_SSL=true, which sends the password in clear text (a local test broker only; the Helm chart also wants kafka.sasl.acceptCleartextPassword=true).',
  },
} as const satisfies VariableSpecs;

export type KafkaConfig = ConfigValues<typeof kafkaVariables>;

/**
 * The Kafka connection variables (docs/contracts.md#configuration), shared by every app; `--brokers` is the only
 * flag (secrets stay out of the process list). The paths in the `KAFKA_SSL_*_FILE` variables
 * are read at load time, so a missing certificate fails the start with the variable's name.
 */
export const kafkaConfigSpec = defineConfig(kafkaVariables, { checks: kafkaChecks });

function kafkaChecks(cfg: KafkaConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (cfg.KAFKA_SASL_MECHANISM !== undefined) {
    for (const name of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const) {
      if (cfg[name] === undefined)
        issues.push({ variable: name, message: 'required when KAFKA_SASL_MECHANISM is set' });
    }
    // PLAIN sends the password itself; SCRAM only proves knowledge of it, so only PLAIN needs TLS.
    if (cfg.KAFKA_SASL_MECHANISM === 'plain' && !cfg.KAFKA_SSL && !cfg.KAFKA_SASL_ALLOW_PLAINTEXT) {
      issues.push({
        variable: 'KAFKA_SASL_MECHANISM',
        message:
          'plain without KAFKA_SSL=true would send the password in clear text: set KAFKA_SSL=true (or KAFKA_SASL_ALLOW_PLAINTEXT=true for a local test broker)',
      });
    }
  } else {
    // Credentials without a mechanism would be silently ignored and the client would connect unauthenticated.
    for (const name of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const) {
      if (cfg[name] !== undefined) issues.push({ variable: name, message: 'set but KAFKA_SASL_MECHANISM is not' });
    }
  }
  if (cfg.KAFKA_SSL_CERT_FILE !== undefined && cfg.KAFKA_SSL_KEY_FILE === undefined) {
    issues.push({ variable: 'KAFKA_SSL_KEY_FILE', message: 'required when KAFKA_SSL_CERT_FILE is set' });
  }
  if (cfg.KAFKA_SSL_KEY_FILE !== undefined && cfg.KAFKA_SSL_CERT_FILE === undefined) {
    issues.push({ variable: 'KAFKA_SSL_CERT_FILE', message: 'required when KAFKA_SSL_KEY_FILE is set' });
  }
  // TLS material without KAFKA_SSL=true would be ignored and the connection would be plaintext: refuse instead.
  if (!cfg.KAFKA_SSL) {
    for (const name of ['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'] as const) {
      if (cfg[name] !== undefined) issues.push({ variable: name, message: 'set but KAFKA_SSL is not true' });
    }
  }
  return issues;
}

/** Structurally identical to `KafkaClientConfig` of `@login/kafka` (adapters may not import each other). */
export interface KafkaClientSettings {
  brokers: string[];
  clientId: string;
  requestTimeoutMs: number;
  ssl?: { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized?: boolean } | boolean;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
}

/** Maps the loaded Kafka variables to the client's config; `defaultClientId` is usually the app's name. */
export function toKafkaClientConfig(cfg: KafkaConfig, defaultClientId: string): KafkaClientSettings {
  const settings: KafkaClientSettings = {
    brokers: [...cfg.KAFKA_BROKERS],
    clientId: cfg.KAFKA_CLIENT_ID ?? defaultClientId,
    requestTimeoutMs: cfg.KAFKA_REQUEST_TIMEOUT_MS,
  };
  if (cfg.KAFKA_SSL) {
    const { KAFKA_SSL_CA_FILE: ca, KAFKA_SSL_CERT_FILE: cert, KAFKA_SSL_KEY_FILE: key } = cfg;
    settings.ssl = ca || cert || key ? { ...(ca && { ca }), ...(cert && { cert }), ...(key && { key }) } : true;
  }
  if (cfg.KAFKA_SASL_MECHANISM !== undefined) {
    const { KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = cfg;
    // loadConfig's checks guarantee both; a hand-built config without them is a programmer error.
    if (username === undefined || password === undefined) {
      throw new TypeError(
        'toKafkaClientConfig: KAFKA_SASL_MECHANISM needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD',
      );
    }
    settings.sasl = { mechanism: cfg.KAFKA_SASL_MECHANISM, username, password };
  }
  return settings;
}

/** Kafka's names for how a client connects; what the start logs show. */
export type KafkaSecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';

/** How the client connects: protocol and SASL mechanism, never credentials or TLS material. */
export interface KafkaSecurity {
  protocol: KafkaSecurityProtocol;
  saslMechanism?: 'plain' | 'scram-sha-256' | 'scram-sha-512';
}

/** The security the client will use with these settings (those `toKafkaClientConfig` returned). */
export function kafkaSecurity(settings: Pick<KafkaClientSettings, 'ssl' | 'sasl'>): KafkaSecurity {
  const tls = settings.ssl !== undefined && settings.ssl !== false;
  if (settings.sasl === undefined) return { protocol: tls ? 'SSL' : 'PLAINTEXT' };
  return { protocol: tls ? 'SASL_SSL' : 'SASL_PLAINTEXT', saslMechanism: settings.sasl.mechanism };
}

/**
 * The start-up warning for SASL without TLS, or undefined. Even SCRAM, which never sends the password, leaves the
 * records (raw PII on the input topic) and the session readable and alterable on the network.
 */
export function kafkaSecurityWarning(security: KafkaSecurity): string | undefined {
  if (security.protocol !== 'SASL_PLAINTEXT') return undefined;
  return `Kafka SASL (${security.saslMechanism ?? 'unknown'}) without TLS: records and the SASL exchange cross the network unencrypted; set KAFKA_SSL=true outside a local test broker`;
}
