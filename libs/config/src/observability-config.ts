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

/** Logging and the metrics/health HTTP port (docs/contracts.md#configuration), as the processor reads them. */
export const observabilityConfigSpec = composeConfig(
  loggingConfigSpec,
  defineConfig({
    HTTP_PORT: {
      schema: { type: 'integer', minimum: 0, maximum: 65535 },
      default: 8080,
      description: 'Port of `/metrics`, `/healthz` and `/readyz`; 0 picks a free port.',
    },
  }),
);

export type LoggingConfig = ConfigValues<(typeof loggingConfigSpec)['variables']>;
export type ObservabilityConfig = ConfigValues<(typeof observabilityConfigSpec)['variables']>;
