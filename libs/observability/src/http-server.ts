import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from './logger';

export interface Readiness {
  ready: boolean;
  /** Why not ready, e.g. `consumer not joined`; shown on /readyz. */
  reasons?: string[];
}

export interface HttpServerOptions {
  /** 0 picks a free port; the chosen one is returned. */
  port: number;
  /** Default 0.0.0.0: Prometheus and kubelet probes reach the pod from outside. */
  host?: string;
  registry: Registry;
  /** /healthz: is the process alive (false → restart it). */
  liveness: () => boolean;
  /** /readyz: can it do its work (consumer joined, producer connected). */
  readiness: () => Readiness;
  /** Says once where it listens (info), and warns of refused connections and server errors. */
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Time allowed to send a whole request, headers and body (default 10 s; Node's own is 300 s). */
  requestTimeoutMs?: number;
  /** Time allowed to send the request headers (default 5 s). */
  headersTimeoutMs?: number;
  /** Open connections at most (default 64); Node closes further ones as soon as they are accepted. */
  maxConnections?: number;
  /** How the operator sets the port, for the message when it is taken (default `HTTP_PORT`). */
  setting?: string;
}

/** Default of `maxConnections`: far above what probes and a scrape need, far below what exhausts the process. */
export const DEFAULT_MAX_CONNECTIONS = 64;
/** A flood of refused connections is logged once per this interval, not once per connection. */
const DROP_WARNING_INTERVAL_MS = 60_000;

/** The port is taken by another process: an operator error with a one-line message, not a crash with a stack. */
export class HttpPortInUseError extends Error {
  readonly code = 'EADDRINUSE';
  /** `setting` names the port as the configuration errors do (`--http-port / HTTP_PORT`), in their `name: …` form. */
  constructor(
    readonly port: number,
    setting = 'HTTP_PORT',
  ) {
    super(`${setting}: port ${port} is already in use by another process; stop it or choose another port`);
    this.name = 'HttpPortInUseError';
  }
}

/**
 * Logs the one line for a taken port and returns true; any other error is left to the caller. The caller exits with
 * the usage code (`EXIT.usage` of @login/config, which this library may not import): the operator has to change the
 * setting, as for a bad value, and a stack trace would only hide that.
 */
export function reportPortInUse(error: unknown, logger: Pick<Logger, 'error'>): error is HttpPortInUseError {
  if (!(error instanceof HttpPortInUseError)) return false;
  logger.error(error.message, { port: error.port });
  return true;
}

export interface RunningHttpServer {
  readonly port: number;
  /** Where it listens (`server.address()`), so a start log can show the bound host. */
  readonly address: AddressInfo;
  close(): Promise<void>;
}

type Route = (request: IncomingMessage) => Promise<Reply> | Reply;
interface Reply {
  status: number;
  contentType: string;
  body: string;
}

/**
 * `/metrics`, `/healthz` and `/readyz` on node:http. GET (and HEAD, which HTTP requires wherever GET works); other
 * methods get 405, other paths 404. A failing probe callback answers 503 rather than crashing the server.
 */
export function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const { registry, liveness, readiness, logger } = options;
  const routes: Record<string, Route> = {
    '/metrics': async () => ({ status: 200, contentType: registry.contentType, body: await registry.metrics() }),
    '/healthz': () => (liveness() ? json(200, { status: 'ok' }) : json(503, { status: 'unhealthy' })),
    '/readyz': () => {
      const state = readiness();
      return state.ready
        ? json(200, { status: 'ready' })
        : json(503, { status: 'not ready', reasons: state.reasons ?? [] });
    },
  };

  // Probes and scrapes are small and quick: a client that trickles a request (or its body after a 405) is dropped
  // within seconds instead of holding a socket for Node's default 300 s. The check runs every second so the
  // timeouts are enforced close to their value (Node's default interval is 30 s).
  const requestTimeout = options.requestTimeoutMs ?? 10_000;
  const server = createServer(
    {
      requestTimeout,
      headersTimeout: Math.min(options.headersTimeoutMs ?? 5_000, requestTimeout),
      connectionsCheckingInterval: 1_000,
      // Probes and scrapes are short; an idle keep-alive connection must not hold up close().
      keepAliveTimeout: 5_000,
    },
    (request, response) => {
      void handle(request, response, routes, logger);
    },
  );

  server.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  server.on('drop', dropWarner(server.maxConnections, logger));

  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new HttpPortInUseError(options.port, options.setting) : error);
    });
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      server.on('error', (error) => logger.error('metrics/health server error', { error }));
      let closing: Promise<void> | undefined;
      const address = server.address() as AddressInfo;
      logger.info('status server listening', { host: address.address, port: address.port, paths: Object.keys(routes) });
      resolve({
        port: address.port,
        address: { address: address.address, family: address.family, port: address.port },
        close: () => {
          closing ??= new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            server.closeAllConnections();
          });
          return closing;
        },
      });
    });
  });
}

/**
 * Warns when connections are refused at the cap: the first at once, then at most once a minute with a count. The
 * peer's address is never logged (it is an IP address, personal data).
 */
function dropWarner(limit: number, logger: Pick<Logger, 'warn'>): () => void {
  let lastWarnedAt = -Infinity;
  let dropped = 0;
  return () => {
    dropped += 1;
    if (Date.now() - lastWarnedAt < DROP_WARNING_INTERVAL_MS) return;
    logger.warn('metrics/health server at its connection cap (HTTP_MAX_CONNECTIONS): closed new connections', {
      maxConnections: limit,
      dropped,
    });
    lastWarnedAt = Date.now();
    dropped = 0;
  };
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  routes: Record<string, Route>,
  logger: Pick<Logger, 'warn' | 'error'>,
): Promise<void> {
  const path = (request.url ?? '/').split('?')[0] ?? '/';
  const route = Object.prototype.hasOwnProperty.call(routes, path) ? routes[path] : undefined;
  let reply: Reply;
  if (route === undefined) {
    reply = json(404, { error: 'not found' });
    response.setHeader('Connection', 'close');
  } else if (request.method !== 'GET' && request.method !== 'HEAD') {
    reply = json(405, { error: 'method not allowed' });
    response.setHeader('Allow', 'GET, HEAD');
    // Its body is never read: the connection closes after the answer instead of waiting for the body.
    response.setHeader('Connection', 'close');
  } else {
    try {
      reply = await route(request);
    } catch (error) {
      logger.error('metrics/health request failed', { path, error });
      reply = path === '/metrics' ? json(500, { error: 'internal error' }) : json(503, { status: 'error' });
    }
  }
  response.writeHead(reply.status, {
    'Content-Type': reply.contentType,
    'Content-Length': Buffer.byteLength(reply.body),
    'Cache-Control': 'no-store',
  });
  response.end(request.method === 'HEAD' ? undefined : reply.body);
}

function json(status: number, body: unknown): Reply {
  return { status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(body) };
}
