// kafkajs's connection when a broker stops answering (as patched by patches/kafkajs+2.2.4+009+hung-broker.patch),
// against a local socket that accepts and never replies, as a SIGSTOPped broker does. kafkajs 2.2.4 left the
// connection open after a request timed out: every later request to that broker waited out its own timeout on the
// same dead socket, and metadata could be asked of it again, so a frozen leader's partitions stood still until it
// thawed. Now the first timeout closes the connection and fails what else was waiting on it.
import net from 'node:net';
import path from 'node:path';

const kafkajsSrc = path.join(path.dirname(require.resolve('kafkajs/package.json')), 'src');
interface Connection {
  connect(): Promise<void>;
  send(protocol: unknown): Promise<unknown>;
  isConnected(): boolean;
  disconnect(): Promise<void>;
}
const ConnectionClass = require(path.join(kafkajsSrc, 'network/connection')) as new (opts: object) => Connection;
const ConnectionPool = require(path.join(kafkajsSrc, 'network/connectionPool')) as new (opts: object) => object;
const Broker = require(path.join(kafkajsSrc, 'broker')) as new (opts: object) => {
  connect(): Promise<void>;
  isConnected(): boolean;
  disconnect(): Promise<void>;
};
const apiVersions = require(path.join(kafkajsSrc, 'protocol/requests/apiVersions')) as {
  protocol(opts: { version: number }): () => unknown;
};
const { createLogger, LEVELS } = require(path.join(kafkajsSrc, 'loggers')) as {
  createLogger(opts: object): unknown;
  LEVELS: Record<string, number>;
};

const REQUEST_TIMEOUT_MS = 400;

/** A TCP server that accepts connections and never writes a byte: a frozen broker. */
async function frozenBroker() {
  const sockets: net.Socket[] = [];
  const closed: number[] = [];
  const server = net.createServer((socket) => {
    sockets.push(socket);
    // Read (and drop) what arrives, only so that the client's close is seen here; nothing is ever answered.
    socket.resume();
    socket.on('close', () => closed.push(Date.now()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const stop = async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
  return { port, closed, stop };
}

const connectionOptions = (port: number) => ({
  host: '127.0.0.1',
  port,
  logger: createLogger({ level: LEVELS['NOTHING'], logCreator: () => () => undefined }),
  socketFactory: ({ host, port: p, onConnect }: { host: string; port: number; onConnect: () => void }) =>
    net.connect({ host, port: p }, onConnect),
  requestTimeout: REQUEST_TIMEOUT_MS,
  connectionTimeout: REQUEST_TIMEOUT_MS,
  enforceRequestTimeout: true,
});

const connectionTo = (port: number): Connection => new ConnectionClass(connectionOptions(port));

const settle = (p: Promise<unknown>) =>
  p.then(
    () => ({ name: 'resolved', at: Date.now() }),
    (e: Error) => ({ name: e.name, at: Date.now() }),
  );

describe('kafkajs connection to a broker that stopped answering (patched)', () => {
  it('closes the connection at the first request timeout and fails the requests still waiting on it', async () => {
    const broker = await frozenBroker();
    const connection = connectionTo(broker.port);
    try {
      await connection.connect();
      const first = settle(connection.send(apiVersions.protocol({ version: 0 })()));
      await new Promise((r) => setTimeout(r, REQUEST_TIMEOUT_MS / 2));
      const second = settle(connection.send(apiVersions.protocol({ version: 0 })()));

      const [a, b] = await Promise.all([first, second]);
      expect(a.name).toBe('KafkaJSRequestTimeoutError');
      // Failed with the first, not after its own timeout: the caller can look the leaders up again now.
      expect(b.name).toBe('KafkaJSConnectionClosedError');
      expect(b.at - a.at).toBeLessThan(REQUEST_TIMEOUT_MS / 4);
      expect(connection.isConnected()).toBe(false);
      // The socket is gone at the broker's end too, without waiting for a frozen broker to acknowledge a close.
      await new Promise((r) => setTimeout(r, 100));
      expect(broker.closed).toHaveLength(1);
    } finally {
      await broker.stop();
    }
  });

  it('connects again on the next request, as for any closed connection', async () => {
    const broker = await frozenBroker();
    const connection = connectionTo(broker.port);
    try {
      await connection.connect();
      await settle(connection.send(apiVersions.protocol({ version: 0 })()));
      expect(connection.isConnected()).toBe(false);
      await connection.connect();
      expect(connection.isConnected()).toBe(true);
      await connection.disconnect();
    } finally {
      await broker.stop();
    }
  });

  it('leaves a broker whose first ApiVersions timed out disconnected, so it is connected again before use', async () => {
    // kafkajs 2.2.4 kept the half-open connection: the broker counted as connected, connect() returned at once,
    // and every request threw "Broker not connected" (a plain Error, which the processor took as fatal).
    const frozen = await frozenBroker();
    const options = connectionOptions(frozen.port);
    const broker = new Broker({ connectionPool: new ConnectionPool(options), logger: options.logger });
    try {
      await expect(broker.connect()).rejects.toMatchObject({ name: 'KafkaJSRequestTimeoutError' });
      expect(broker.isConnected()).toBe(false);
      // Connecting again asks again (and times out again here), instead of returning a broker it cannot use.
      await expect(broker.connect()).rejects.toMatchObject({ name: 'KafkaJSRequestTimeoutError' });
    } finally {
      await broker.disconnect();
      await frozen.stop();
    }
  });
});
