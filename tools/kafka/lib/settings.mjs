// Where this tool's cluster lives (ports, run dir, timeouts), read once from the environment, and the errors and
// helpers every other module of tools/kafka shares.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** tools/kafka: the run dirs and pom.xml are found next to kafka.mjs, whichever module asks. */
export const toolDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const repoRoot = path.resolve(toolDir, '../..');
const DEFAULT_PORT = 9092;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost']);

/**
 * The first broker port of the local cluster: LOCAL_KAFKA_PORT when set; otherwise the port of KAFKA_BROKERS when
 * its first address is on this machine (so `KAFKA_BROKERS=127.0.0.1:19092 npm start` runs the broker there);
 * otherwise 9092.
 */
export function resolveBasePort(env) {
  const explicit = env.LOCAL_KAFKA_PORT?.trim();
  if (explicit) {
    const port = Number(explicit);
    if (!Number.isInteger(port) || port < 1 || port > 65535 - CONTROLLER_PORT_OFFSET - 2) {
      throw new UsageError(
        `LOCAL_KAFKA_PORT must be a port number below ${65535 - CONTROLLER_PORT_OFFSET - 2}, got "${explicit}"`,
      );
    }
    return port;
  }
  const port = loopbackPort(env.KAFKA_BROKERS);
  return port !== undefined && port <= 65535 - CONTROLLER_PORT_OFFSET - 2 ? port : DEFAULT_PORT;
}

/** The port of the first address of `brokers` when that is 127.0.0.1:PORT or localhost:PORT (a broker we may run). */
export function loopbackPort(brokers) {
  const first = brokers?.split(',')[0]?.trim();
  const match = first ? /^(.+):(\d+)$/.exec(first) : null;
  if (!match || !LOOPBACK_HOSTS.has(match[1].toLowerCase())) return undefined;
  const port = Number(match[2]);
  return port >= 1 && port <= 65535 ? port : undefined;
}

export class UsageError extends Error {}

export const CONTROLLER_PORT_OFFSET = 10000;
// Another base port and run dir give a private broker (e.g. for tests that stop and start it). A wrong setting is
// reported by the first command or exported call, not at import (importers print errors their own way).
let settingError;
export const BASE_PORT = (() => {
  try {
    return resolveBasePort(process.env);
  } catch (err) {
    settingError = err;
    return DEFAULT_PORT;
  }
})();
export function checkSettings() {
  if (settingError) throw settingError;
}
// One run dir per port: a cluster on another port never replaces (or reuses) the one on 9092.
export const runDir =
  process.env.LOCAL_KAFKA_RUN_DIR ?? path.join(toolDir, BASE_PORT === DEFAULT_PORT ? '.run' : `.run-${BASE_PORT}`);
export const stateFile = path.join(runDir, 'cluster.json');
export const lockDir = path.join(runDir, 'lock');
export const leaseDir = path.join(runDir, 'leases');
export const START_TIMEOUT_MS = Number(process.env.LOCAL_KAFKA_START_TIMEOUT_MS ?? 120_000);
export const STOP_TIMEOUT_MS = 30_000;

export const log = (msg) => process.stderr.write(`[kafka] ${msg}\n`);

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** An error the command line prints as its one-sentence message (a conflict with something on this machine). */
export class ConflictError extends Error {}
