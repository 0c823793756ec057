// Shopify's toxiproxy between clients and brokers, for the gray-failure tests (latency, cut connections, a bandwidth
// limit). `kafka.mjs up --proxy` starts it: each broker's client port is then a toxiproxy listener, the broker itself
// listens UPSTREAM_PORT_OFFSET above and advertises the proxy's port, so every client connection (bootstrap and
// the ones kafkajs opens from metadata) passes the proxy. Replication and the controllers have listeners of their
// own that bypass it: a toxic slows what clients see, not the cluster's own traffic.
// The binary is built once from its Go module into the cache (Go's module proxy is reachable; no release download).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const TOXIPROXY_MODULE = 'github.com/Shopify/toxiproxy/v2/cmd/server';
export const TOXIPROXY_VERSION = 'v2.12.0';
/** Broker port + this: where a proxied broker really listens for clients (the proxy's upstream). */
export const UPSTREAM_PORT_OFFSET = 10;
/** Broker port + this: the inter-broker listener of a proxied cluster, outside the proxy. */
export const REPLICATION_PORT_OFFSET = 20;
/** First broker port + this: toxiproxy's HTTP API. */
export const API_PORT_OFFSET = 50;

/** The name of node `id`'s proxy in toxiproxy's API. */
export const proxyName = (id) => `broker-${id}`;

/** Builds toxiproxy-server into `cacheBase` on first use; returns the binary's path. */
export function ensureToxiproxy(cacheBase, log) {
  const dir = path.join(cacheBase, `toxiproxy-${TOXIPROXY_VERSION}`);
  const binary = path.join(dir, 'toxiproxy-server');
  if (fs.existsSync(binary)) return binary;
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error) throw new Error('--proxy needs Go on PATH: it builds toxiproxy from its module the first time');
  log(`building toxiproxy ${TOXIPROXY_VERSION} into ${dir} (first run only)`);
  const gobin = path.join(dir, 'build');
  fs.rmSync(gobin, { recursive: true, force: true });
  const res = spawnSync('go', ['install', `${TOXIPROXY_MODULE}@${TOXIPROXY_VERSION}`], {
    env: { ...process.env, GOBIN: gobin, CGO_ENABLED: '0' },
    stdio: ['ignore', 2, 'inherit'],
  });
  if (res.status !== 0)
    throw new Error(`go install ${TOXIPROXY_MODULE}@${TOXIPROXY_VERSION} failed (exit ${res.status})`);
  // Renamed last, so a build cut short is never taken for a finished one.
  fs.renameSync(path.join(gobin, 'server'), binary);
  fs.rmSync(gobin, { recursive: true, force: true });
  return binary;
}

/** The proxies toxiproxy should hold for `nodes`: each broker port in front of its upstream port. */
export function proxySpecs(nodes) {
  return nodes.map((n) => ({
    name: proxyName(n.id),
    listen: `127.0.0.1:${n.port}`,
    upstream: `127.0.0.1:${n.port + UPSTREAM_PORT_OFFSET}`,
    enabled: true,
  }));
}

/** Starts toxiproxy-server detached (it outlives this command, like the brokers); returns its pid. */
export function spawnToxiproxy({ binary, apiPort, logFile, pidFile }) {
  const out = fs.openSync(logFile, 'a');
  try {
    const child = spawn(binary, ['-host', '127.0.0.1', '-port', String(apiPort)], {
      detached: true,
      stdio: ['ignore', out, out],
    });
    fs.writeFileSync(pidFile, String(child.pid));
    child.unref();
    return child.pid;
  } finally {
    fs.closeSync(out);
  }
}

/** Waits for the API, then creates (or replaces) the proxies of `nodes`. */
export async function populate(apiPort, nodes, { timeoutMs = 15_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${apiPort}/populate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(proxySpecs(nodes)),
      });
      if (res.ok) return;
      throw new Error(`toxiproxy answered ${res.status}: ${await res.text()}`);
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(`toxiproxy did not take its proxies on port ${apiPort}: ${err.message}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
