// The proxy layout of `up --proxy` (pure parts; the gray-failure tests of the processor run it against brokers).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { proxyName, proxySpecs, REPLICATION_PORT_OFFSET, UPSTREAM_PORT_OFFSET } from './proxy.mjs';

test('each broker port becomes a proxy in front of the port the broker really listens on', () => {
  const specs = proxySpecs([
    { id: 1, port: 21092 },
    { id: 2, port: 21093 },
  ]);
  assert.deepEqual(specs, [
    { name: 'broker-1', listen: '127.0.0.1:21092', upstream: '127.0.0.1:21102', enabled: true },
    { name: 'broker-2', listen: '127.0.0.1:21093', upstream: '127.0.0.1:21103', enabled: true },
  ]);
  assert.equal(proxyName(3), 'broker-3');
});

test('the upstream and replication ports of three brokers stay inside one cluster block, apart', () => {
  const ports = [0, 1, 2].flatMap((i) => [i, UPSTREAM_PORT_OFFSET + i, REPLICATION_PORT_OFFSET + i]);
  assert.equal(new Set(ports).size, 9);
  assert.ok(Math.max(...ports) < 50);
});
