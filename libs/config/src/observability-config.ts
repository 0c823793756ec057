import { isIP } from 'node:net';
import { composeConfig, defineConfig } from './define-config';
import type { ConfigValues } from './types';

/** The log levels, lowest volume first; `LOG_LEVEL` takes one. */
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
/** JSON lines for machines, or one readable line per entry for humans. */
export const LOG_FORMATS = ['json', 'pretty'] as const;

/** Logging, shared by every app; the command-line apps also take `--log-level` and `--log-format`. */
export const loggingConfigSpec = defineConfig({
  LOG_LEVEL: {
    schema: { type: 'string', enum: LOG_LEVELS },
    default: 'info',
    flag: 'log-level',
    placeholder: 'LEVEL',
    description: 'Lowest log level written.',
  },
  LOG_FORMAT: {
    schema: { type: 'string', enum: LOG_FORMATS },
    default: 'json',
    flag: 'log-format',
    placeholder: 'FORMAT',
    description:
      'JSON lines for machines, or one line per entry for humans (coloured on a terminal unless NO_COLOR is set).',
  },
});

// A DNS label: letters, digits and inner hyphens; a host name is dot-separated labels.
const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** An IPv4 or IPv6 address, or a host name that resolves to the address to bind. */
export function parseHttpHost(text: string): string {
  if (isIP(text) !== 0 || HOST_NAME.test(text)) return text;
  throw new Error(`must be an IP address (0.0.0.0, 127.0.0.1, ::) or a host name (got "${text}")`);
}

/**
 * Where the metrics/health server listens and how many connections it holds, shared by every app that serves it;
 * each app declares its own HTTP_PORT (the processor always serves, the others only when asked).
 */
export const httpServerConfigSpec = defineConfig({
  HTTP_HOST: {
    flag: 'http-host',
    placeholder: 'ADDRESS',
    parse: parseHttpHost,
    default: '0.0.0.0',
    description:
      'Address the metrics/health server binds. 0.0.0.0 (all interfaces) lets kubelet probes and Prometheus reach the pod IP; 127.0.0.1 keeps it local to the machine (a laptop).',
  },
  // Environment only: a deployment's tuning, not something to type (and no wider --help column for it).
  HTTP_MAX_CONNECTIONS: {
    schema: { type: 'integer', minimum: 1, maximum: 10_000 },
    default: 64,
    description:
      'Open connections the metrics/health server holds at most; further ones are closed at once, so a flood cannot exhaust memory or file descriptors.',
  },
});

/** Logging and the metrics/health HTTP server (docs/contracts.md#configuration), as the processor reads them. */
export const observabilityConfigSpec = composeConfig(
  loggingConfigSpec,
  defineConfig({
    HTTP_PORT: {
      schema: { type: 'integer', minimum: 0, maximum: 65535 },
      default: 8080,
      description: 'Port of `/metrics`, `/healthz` and `/readyz`; 0 picks a free port.',
    },
  }),
  httpServerConfigSpec,
);

export type LoggingConfig = ConfigValues<(typeof loggingConfigSpec)['variables']>;
export type HttpServerConfig = ConfigValues<(typeof httpServerConfigSpec)['variables']>;
export type ObservabilityConfig = ConfigValues<(typeof observabilityConfigSpec)['variables']>;
