import { spawn } from 'node:child_process';

/** What a probe saw while it ran: every /healthz answer that was not a 200 within the deadline. */
export interface HealthReport {
  readonly probes: number;
  readonly slowestMs: number;
  readonly failures: ReadonlyArray<{ readonly atMs: number; readonly problem: string }>;
}

// Runs in a process of its own: the test process itself stalls while it encodes a hostile record (20,000 headers
// take it half a second), and a probe in it would blame the processor for the test's own pauses.
const PROBE = `
const [port, intervalMs, deadlineMs] = process.argv.slice(1).map(Number);
const report = { probes: 0, slowestMs: 0, failures: [] };
let running = true;
process.stdin.on('data', () => { running = false; });
(async () => {
  while (running) {
    const started = Date.now();
    try {
      const res = await fetch('http://127.0.0.1:' + port + '/healthz', { signal: AbortSignal.timeout(deadlineMs) });
      await res.text();
      if (res.status !== 200) report.failures.push({ atMs: started, problem: 'status ' + res.status });
    } catch (err) {
      report.failures.push({ atMs: started, problem: err instanceof Error ? err.name : String(err) });
    }
    report.probes++;
    report.slowestMs = Math.max(report.slowestMs, Date.now() - started);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  process.stdout.write(JSON.stringify(report));
})();
`;

// The Helm chart's livenessProbe.timeoutSeconds (docker/helm/login-pipeline/values.yaml). Stricter than the kubelet
// all the same: one late answer fails the test, where the chart restarts a pod only after three in a row.
const LIVENESS_TIMEOUT_MS = 3000;

/**
 * Asks `/healthz` every `intervalMs` (one request at a time, from a child process) and records each answer that is
 * not a 200 within `deadlineMs`, as a kubelet liveness probe would. `stop()` ends it and returns the report.
 */
export function startHealthProbe(
  port: number,
  { intervalMs = 250, deadlineMs = LIVENESS_TIMEOUT_MS } = {},
): { stop(): Promise<HealthReport> } {
  const child = spawn(process.execPath, ['-e', PROBE, String(port), String(intervalMs), String(deadlineMs)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let stopped: Promise<HealthReport> | undefined;
  return {
    // Idempotent, so an afterEach can stop a probe a failed test left running.
    stop() {
      stopped ??= (async () => {
        child.stdin.end('stop\n');
        await exited;
        return JSON.parse(out) as HealthReport;
      })();
      return stopped;
    },
  };
}
