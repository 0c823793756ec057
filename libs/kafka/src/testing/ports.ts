import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** A local port nobody listens on right now, for an app under test whose /metrics or /readyz the test calls. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
