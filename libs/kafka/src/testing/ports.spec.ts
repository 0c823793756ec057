import net from 'node:net';
import { freePort } from './ports';

function listen(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('freePort', () => {
  it('hands out distinct ports below the ephemeral range, none of them listened on', async () => {
    const ports: number[] = [];
    for (let i = 0; i < 20; i++) ports.push(await freePort());
    expect(new Set(ports).size).toBe(20);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(23_000);
      expect(port).toBeLessThan(32_768);
    }
    // Each can be listened on (nobody took it), and is never handed out again.
    const servers = await Promise.all(ports.map(listen));
    const next = await freePort();
    expect(ports).not.toContain(next);
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  it('skips a port another program listens on', async () => {
    const probe = await freePort();
    // Occupy the next few ports after `probe`: the cursor walks upwards, so the next answer must skip them.
    const taken = await Promise.all([1, 2, 3].map((d) => listen(probe + d).catch(() => undefined)));
    const next = await freePort();
    const occupied = taken.flatMap((s, i) => (s ? [probe + i + 1] : []));
    expect(occupied).not.toContain(next);
    await Promise.all(taken.map((s) => s && new Promise((resolve) => s.close(resolve))));
  });
});
