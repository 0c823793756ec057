// The fault-injecting proxy (`up --proxy`): the toxiproxy process in front of the brokers (see ../proxy.mjs).
import fs from 'node:fs';
import path from 'node:path';
import { API_PORT_OFFSET, ensureToxiproxy, populate, spawnToxiproxy } from '../proxy.mjs';
import { cacheBase } from './install.mjs';
import { portOpen } from './probe.mjs';
import { pidAlive } from './processes.mjs';
import { ConflictError, log, runDir, sleep, STOP_TIMEOUT_MS } from './settings.mjs';

const proxyPidFile = () => path.join(runDir, 'toxiproxy.pid');

function proxyPid(state) {
  if (!state?.proxy) return undefined;
  try {
    const pid = Number(fs.readFileSync(proxyPidFile(), 'utf8').trim());
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const ours = cmdline[0]?.endsWith('toxiproxy-server') && cmdline.includes(String(state.proxy.apiPort));
    return ours && pidAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function proxyAlive(state) {
  return proxyPid(state) !== undefined;
}

/**
 * What `up` adds to its answer for a proxied cluster: where toxiproxy's API is, and a bootstrap that bypasses it (the
 * replication listener: a broker answers metadata with the addresses of the listener asked, so a client that starts
 * there stays off the proxy) for a test's own bookkeeping while the proxy is faulty.
 */
export function proxyAnswer(state) {
  if (!state.proxy) return {};
  const direct = state.nodes.map((n) => `127.0.0.1:${n.replicationPort}`).join(',');
  return { proxy: { api: `http://127.0.0.1:${state.proxy.apiPort}`, direct } };
}

/** Starts toxiproxy unless ours runs, and (re)creates one proxy per node, without toxics. */
export async function startProxy(state) {
  const { apiPort } = state.proxy;
  if (!proxyAlive(state)) {
    if (await portOpen(apiPort))
      throw new ConflictError(
        `port ${apiPort} (toxiproxy's API, first broker port + ${API_PORT_OFFSET}) is taken by another program: free it or choose another port with LOCAL_KAFKA_PORT`,
      );
    const binary = ensureToxiproxy(cacheBase(), log);
    const logFile = path.join(runDir, 'toxiproxy.log');
    const pid = spawnToxiproxy({ binary, apiPort, logFile, pidFile: proxyPidFile() });
    log(`toxiproxy (pid ${pid}) in front of the brokers; its API is http://127.0.0.1:${apiPort}`);
  }
  await populate(apiPort, state.nodes);
}

export async function stopProxy(state) {
  const pid = proxyPid(state);
  if (pid !== undefined) {
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (pidAlive(pid) && Date.now() < deadline) await sleep(100);
    if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  fs.rmSync(proxyPidFile(), { force: true });
}
