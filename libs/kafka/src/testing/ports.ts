import net from 'node:net';

// Ports for apps under test come from below the kernel's ephemeral range (32768–60999 on Linux) and above the test
// clusters' ports (9092 + offsets, controllers at + 10000): a port the kernel hands out with listen(0) can be taken
// again, before the app binds it, by any outgoing connection's local end or by the next listen(0) — that race once
// made a test processor exit 2 ("HTTP_PORT in use") while another answered its /readyz.
const FIRST = 23_000;
const SPAN = 9_000;
const handedOut = new Set<number>();
let cursor = Math.floor(Math.random() * SPAN);

/** A port nobody listens on right now and this process has not handed out before, for an app under test. */
export async function freePort(): Promise<number> {
  for (let tried = 0; tried < SPAN; tried++) {
    const port = FIRST + (cursor++ % SPAN);
    if (handedOut.has(port) || !(await canListen(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port in ${FIRST}..${FIRST + SPAN - 1}`);
}

/** Whether a server could listen on `port` on every interface (what the apps bind by default). */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}
