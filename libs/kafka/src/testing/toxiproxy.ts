// A client of toxiproxy's HTTP API (https://github.com/Shopify/toxiproxy#http-api), for the gray-failure tests of a
// cluster started with `proxy: true`: every client connection to a broker passes a proxy named `broker-<id>`.

/** A toxic as toxiproxy's API takes it; `attributes` depend on the type (latency, bandwidth, reset_peer, timeout …). */
export interface Toxic {
  readonly type: 'latency' | 'bandwidth' | 'reset_peer' | 'timeout' | 'slow_close' | 'limit_data' | 'slicer';
  /** `downstream` (broker → client, toxiproxy's default) or `upstream` (client → broker). */
  readonly stream?: 'upstream' | 'downstream';
  /** Share of connections it applies to, 0..1 (default 1). */
  readonly toxicity?: number;
  readonly attributes: Readonly<Record<string, number>>;
}

export interface Toxiproxy {
  /** Adds `toxic` to the proxies of `nodeIds` (all nodes when omitted). */
  add(toxic: Toxic, nodeIds?: readonly number[]): Promise<void>;
  /** Cuts (`false`: open connections closed, new ones refused) or restores the proxies of `nodeIds`. */
  setEnabled(enabled: boolean, nodeIds?: readonly number[]): Promise<void>;
  /** Every proxy enabled again and every toxic removed. */
  reset(): Promise<void>;
}

export function toxiproxyClient(api: string, allNodeIds: readonly number[]): Toxiproxy {
  let seq = 0;
  const call = async (method: string, route: string, body?: unknown): Promise<void> => {
    const res = await fetch(`${api}${route}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`toxiproxy ${method} ${route}: ${res.status} ${await res.text()}`);
  };
  const each = (ids: readonly number[] | undefined, fn: (id: number) => Promise<void>) =>
    Promise.all((ids ?? allNodeIds).map(fn)).then(() => undefined);
  return {
    add: (toxic, nodeIds) =>
      each(nodeIds, (id) =>
        call('POST', `/proxies/broker-${id}/toxics`, { name: `${toxic.type}-${++seq}`, toxicity: 1, ...toxic }),
      ),
    setEnabled: (enabled, nodeIds) => each(nodeIds, (id) => call('POST', `/proxies/broker-${id}`, { enabled })),
    reset: () => call('POST', '/reset'),
  };
}
