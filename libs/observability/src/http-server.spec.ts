import { request } from 'node:http';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { Counter, Registry } from 'prom-client';
import { HttpPortInUseError, reportPortInUse, startHttpServer } from './http-server';
import type { HttpServerOptions, Readiness, RunningHttpServer } from './http-server';

interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(port: number, path: string, method = 'GET'): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('startHttpServer', () => {
  let registry: Registry;
  let alive: boolean;
  let readiness: () => Readiness;
  let server: RunningHttpServer;
  const logger = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };

  async function start(overrides: Partial<HttpServerOptions> = {}) {
    server = await startHttpServer({
      port: 0,
      host: '127.0.0.1',
      registry,
      liveness: () => alive,
      readiness: () => readiness(),
      logger,
      ...overrides,
    });
    return server;
  }

  /** A second server on the port the first one (from `start`) holds. */
  function startOnTakenPort(overrides: Partial<HttpServerOptions> = {}) {
    return startHttpServer({
      port: server.port,
      host: '127.0.0.1',
      registry,
      liveness: () => true,
      readiness,
      logger,
      ...overrides,
    });
  }

  beforeEach(() => {
    registry = new Registry();
    alive = true;
    readiness = () => ({ ready: true });
  });

  afterEach(async () => {
    await server.close();
  });

  it('listens on an ephemeral port, and says once where', async () => {
    logger.info.mockClear();
    await start();
    expect(server.port).toBeGreaterThan(0);
    expect(logger.info).toHaveBeenCalledTimes(1);
    expect(logger.info).toHaveBeenCalledWith('status server listening', {
      host: '127.0.0.1',
      port: server.port,
      paths: ['/metrics', '/healthz', '/readyz'],
    });
  });

  it('serves the registry in the Prometheus text format', async () => {
    new Counter({ name: 'login_processor_records_consumed_total', help: 'h', registers: [registry] }).inc(7);
    await start();
    const response = await call(server.port, '/metrics');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe(registry.contentType);
    expect(response.body).toContain('login_processor_records_consumed_total 7');
  });

  it('answers /healthz from the liveness callback', async () => {
    await start();
    expect(await call(server.port, '/healthz')).toMatchObject({ status: 200, body: '{"status":"ok"}' });
    alive = false;
    expect((await call(server.port, '/healthz')).status).toBe(503);
  });

  it('answers /readyz with the reasons when not ready', async () => {
    await start();
    expect(await call(server.port, '/readyz')).toMatchObject({ status: 200, body: '{"status":"ready"}' });
    readiness = () => ({ ready: false, reasons: ['consumer not joined', 'producer not connected'] });
    const response = await call(server.port, '/readyz');
    expect(response.status).toBe(503);
    expect(response.headers['content-type']).toContain('application/json');
    expect(JSON.parse(response.body)).toEqual({
      status: 'not ready',
      reasons: ['consumer not joined', 'producer not connected'],
    });
  });

  it('ignores the query string', async () => {
    await start();
    expect((await call(server.port, '/healthz?verbose=1')).status).toBe(200);
  });

  it.each([['/'], ['/metrics/extra'], ['/constructor'], ['/__proto__']])('answers 404 for %s', async (path) => {
    await start();
    expect((await call(server.port, path)).status).toBe(404);
  });

  it('answers 405 with Allow for other methods', async () => {
    await start();
    const response = await call(server.port, '/metrics', 'POST');
    expect(response.status).toBe(405);
    expect(response.headers['allow']).toBe('GET, HEAD');
  });

  it('answers HEAD without a body', async () => {
    await start();
    expect(await call(server.port, '/healthz', 'HEAD')).toMatchObject({ status: 200, body: '' });
  });

  it('answers 503 when a probe callback throws, and logs it', async () => {
    await start({
      readiness: () => {
        throw new Error('broken probe');
      },
    });
    expect((await call(server.port, '/readyz')).status).toBe(503);
    expect(logger.error).toHaveBeenCalledWith(
      'metrics/health request failed',
      expect.objectContaining({ path: '/readyz' }),
    );
  });

  it('rejects with a one-line HttpPortInUseError naming the port when the port is taken', async () => {
    await start();
    const taken = startOnTakenPort();
    await expect(taken).rejects.toBeInstanceOf(HttpPortInUseError);
    await expect(taken).rejects.toMatchObject({
      code: 'EADDRINUSE',
      port: server.port,
      message: `HTTP_PORT: port ${server.port} is already in use by another process; stop it or choose another port`,
    });
  });

  it("names the port by the setting it is given, in the configuration errors' phrasing", async () => {
    await start();
    const taken = startOnTakenPort({ setting: '--http-port / HTTP_PORT' });
    await expect(taken).rejects.toMatchObject({
      message: expect.stringMatching(new RegExp(`^--http-port / HTTP_PORT: port ${server.port} is already in use`)),
    });
  });

  it('binds the host it is given', async () => {
    await start({ host: '127.0.0.1' });
    expect(server.address).toEqual({ address: '127.0.0.1', family: 'IPv4', port: server.port });
  });

  /** Opens a raw connection and resolves once the server has answered a keep-alive request on it (so it counts). */
  function openKeptAlive(port: number): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () =>
        socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n'),
      );
      socket.once('data', () => resolve(socket));
      socket.once('error', reject);
    });
  }

  /** Resolves with what the server sent on a new connection before closing it (or `open` if it stays open). */
  function refusedOrServed(port: number): Promise<string> {
    return new Promise((resolve) => {
      let received = '';
      const socket = connect(port, '127.0.0.1', () => socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'));
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString('utf8');
        socket.destroy();
      });
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(received === '' ? 'closed' : (received.split('\r\n')[0] ?? '')));
    });
  }

  it('closes connections beyond maxConnections, warns without the peer address, and serves again below it', async () => {
    await start({ maxConnections: 2 });
    const held = [await openKeptAlive(server.port), await openKeptAlive(server.port)];
    expect(await refusedOrServed(server.port)).toBe('closed');
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('HTTP_MAX_CONNECTIONS'),
      expect.not.objectContaining({ remoteAddress: expect.anything() }),
    );
    expect(JSON.stringify(logger.warn.mock.calls)).not.toContain('127.0.0.1');
    const closed = new Promise((resolve) => held[0]?.once('close', resolve));
    held[0]?.destroy();
    await closed;
    // The server counts the close on its side a tick later.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await refusedOrServed(server.port)).toBe('HTTP/1.1 200 OK');
    held[1]?.destroy();
  });

  it('holds 64 connections by default', async () => {
    await start();
    const held = await Promise.all(Array.from({ length: 64 }, () => openKeptAlive(server.port)));
    expect(await refusedOrServed(server.port)).toBe('closed');
    for (const socket of held) socket.destroy();
  });

  /** Opens a raw connection, writes `head`, then one byte a second; resolves with when the server closed it. */
  function trickle(port: number, head: string): Promise<{ closedAfterMs: number; received: string }> {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      let received = '';
      const socket = connect(port, '127.0.0.1', () => socket.write(head));
      const timer = setInterval(() => {
        if (!socket.destroyed) socket.write('a');
      }, 1000);
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString('utf8');
      });
      // A reset by the server is a close too: the point is that the socket does not stay open.
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(timer);
        resolve({ closedAfterMs: Date.now() - started, received });
      });
      setTimeout(() => {
        clearInterval(timer);
        socket.destroy();
        reject(new Error('the server kept a trickling connection open for 60 s'));
      }, 60_000).unref();
    });
  }

  // Liveness bounds with a huge margin: the defaults close these within ~10 s, Node's own would wait 300 s.
  it('answers 405 and drops the connection of a client that then trickles the request body', async () => {
    await start();
    const result = await trickle(server.port, 'POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n');
    expect(result.received).toMatch(/^HTTP\/1\.1 405/);
    expect(result.closedAfterMs).toBeLessThan(30_000);
  }, 70_000);

  it('drops a client that trickles its request headers', async () => {
    await start();
    const result = await trickle(server.port, 'GET /metrics HTTP/1.1\r\nX-Slow: ');
    expect(result.closedAfterMs).toBeLessThan(30_000);
  }, 70_000);

  it('closes idempotently, even with a keep-alive connection open', async () => {
    await start();
    await new Promise<void>((resolve) => {
      const req = request({
        host: '127.0.0.1',
        port: server.port,
        path: '/healthz',
        headers: { connection: 'keep-alive' },
      });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve());
      });
      req.end();
    });
    await Promise.all([server.close(), server.close()]);
    await expect(call(server.port, '/healthz')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('reportPortInUse', () => {
  it('logs the one line of a taken port, with the port, and says it did', () => {
    const logger = { error: jest.fn() };
    const error = new HttpPortInUseError(9100, '--http-port / HTTP_PORT');
    expect(reportPortInUse(error, logger)).toBe(true);
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.error).toHaveBeenCalledWith(error.message, { port: 9100 });
  });

  it('leaves any other error to the caller, unlogged', () => {
    const logger = { error: jest.fn() };
    expect(reportPortInUse(Object.assign(new Error('boom'), { code: 'EACCES' }), logger)).toBe(false);
    expect(logger.error).not.toHaveBeenCalled();
  });
});
