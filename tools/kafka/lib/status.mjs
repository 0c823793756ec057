// Status: each node's pid and whether it is up, and the lines `status` prints.
import { portOpen } from './probe.mjs';
import { bootstrap, isOurProcess, readPid, readState } from './processes.mjs';
import { checkSettings, runDir } from './settings.mjs';

/** Each node of the cluster in this run dir: its pid when its process runs, and whether it accepts connections. */
export async function clusterStatus() {
  checkSettings();
  const state = readState();
  if (!state) return { running: false, bootstrap: undefined, nodes: [], version: undefined, runDir };
  const nodes = await Promise.all(
    state.nodes.map(async (n) => {
      const pid = readPid(n);
      const ours = pid !== undefined && isOurProcess(pid);
      return { id: n.id, port: n.port, pid: ours ? pid : undefined, up: ours && (await portOpen(n.port)) };
    }),
  );
  return { running: nodes.every((n) => n.up), bootstrap: bootstrap(state), nodes, version: state.version, runDir };
}

/** The status lines of `status` and `node status`. */
export function formatStatus(status) {
  if (status.nodes.length === 0) return `not running (no cluster in ${status.runDir})`;
  const upCount = status.nodes.filter((n) => n.up).length;
  const head = status.running
    ? `running: ${status.bootstrap}`
    : upCount === 0
      ? 'not running'
      : `degraded: ${upCount} of ${status.nodes.length} nodes up`;
  const lines = status.nodes.map((n) => {
    const state = n.up ? 'up' : n.pid ? 'starting' : 'down';
    return `node ${n.id}  ${state.padEnd(8)}  ${(n.pid ? `pid ${n.pid}` : '-').padEnd(10)}  127.0.0.1:${n.port}`;
  });
  return [head, ...lines].join('\n');
}
