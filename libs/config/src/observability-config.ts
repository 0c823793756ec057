import { defineConfig } from './define-config';
import type { ConfigValues } from './types';

/** Logging and the metrics/health HTTP port (DESIGN §6, §7), shared by every app. */
export const observabilityConfigSpec = defineConfig({
  LOG_LEVEL: {
    schema: { type: 'string', enum: ['error', 'warn', 'info', 'debug'] },
    default: 'info',
    description: 'Lowest log level written.',
  },
  LOG_FORMAT: {
    schema: { type: 'string', enum: ['json', 'pretty'] },
    default: 'json',
    description: 'JSON lines for machines, or a coloured single line for humans.',
  },
  HTTP_PORT: {
    schema: { type: 'integer', minimum: 0, maximum: 65535 },
    default: 8080,
    description: 'Port of `/metrics`, `/healthz` and `/readyz`; 0 picks a free port.',
  },
});

export type ObservabilityConfig = ConfigValues<(typeof observabilityConfigSpec)['variables']>;
