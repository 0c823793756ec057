// The settings every local way of running the apps shares (`npm start`, `npx nx serve <app>`): a development
// masking key, labelled as such everywhere it shows (key id `dev`, a warning at start), human-readable logs.
// Production deployments set MASKING_KEY and LINEAGE_KEY (or their _FILE variants) themselves.
export const DEV_MASKING_KEY = 'dev-only-masking-key-DO-NOT-USE-IN-PRODUCTION';
/** The replay lineage signing key of local runs (processor and replayer must share it). */
export const DEV_LINEAGE_KEY = 'dev-only-lineage-key-DO-NOT-USE-IN-PRODUCTION';

/** The lineage key of a local processor or replayer, unless LINEAGE_KEY or LINEAGE_KEY_FILE is set. */
export function lineageDevEnv(env = process.env) {
  return {
    ...(env.LINEAGE_KEY_FILE ? {} : { LINEAGE_KEY: env.LINEAGE_KEY ?? DEV_LINEAGE_KEY }),
    LINEAGE_KEY_ID: env.LINEAGE_KEY_ID ?? 'dev',
  };
}

/** The processor's development environment: the dev key unless MASKING_KEY is set, pretty logs, port 8080. */
export function processorDevEnv(env = process.env) {
  return {
    MASKING_KEY: env.MASKING_KEY ?? DEV_MASKING_KEY,
    MASKING_KEY_ID: env.MASKING_KEY_ID ?? 'dev',
    ...lineageDevEnv(env),
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
