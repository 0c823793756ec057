// The settings every local way of running the apps shares (`npm start`, `npx nx serve <app>`): a development
// masking key, labelled as such everywhere it shows (key id `dev`, a warning at start), human-readable logs.
// Production deployments set MASKING_KEY (or MASKING_KEY_FILE) themselves.
export const DEV_MASKING_KEY = 'dev-only-masking-key-DO-NOT-USE-IN-PRODUCTION';

/** The processor's development environment: the dev key unless MASKING_KEY is set, pretty logs, port 8080. */
export function processorDevEnv(env = process.env) {
  return {
    MASKING_KEY: env.MASKING_KEY ?? DEV_MASKING_KEY,
    MASKING_KEY_ID: env.MASKING_KEY_ID ?? 'dev',
    HTTP_PORT: env.PROCESSOR_HTTP_PORT ?? '8080',
    LOG_FORMAT: env.LOG_FORMAT ?? 'pretty',
  };
}

/** The generator's development environment: a gentle stream with a few malformed records, port 8081. */
export function generatorDevEnv(env = process.env) {
  return {
    HTTP_PORT: env.GENERATOR_HTTP_PORT ?? '8081',
    LOG_FORMAT: env.LOG_FORMAT ?? 'pretty',
    GENERATOR_RATE: env.GENERATOR_RATE ?? '50',
    GENERATOR_INVALID_RATIO: env.GENERATOR_INVALID_RATIO ?? '0.05',
    GENERATOR_PROGRESS: env.GENERATOR_PROGRESS ?? 'log',
  };
}
