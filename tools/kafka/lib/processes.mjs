// Process management: the state file, pid files, the run-dir lock, and starting and stopping broker processes.
// Processes are tracked by pid file and stopped by pid, never by name.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { javaArgs } from './node-config.mjs';
import { lockDir, log, runDir, sleep, START_TIMEOUT_MS, stateFile, STOP_TIMEOUT_MS } from './settings.mjs';

export function readState() {
  try {
    return JSON.parse(fs.readFileSync(stateFile, 'utf8'));
  } catch {
    return undefined;
  }
}

export function writeState(state) {
  fs.writeFileSync(stateFile, JSON.stringify(state, null, 2));
}

export function pidFile(node) {
  return path.join(node.dir, 'kafka.pid');
}

export function readPid(node) {
  try {
    const pid = Number(fs.readFileSync(pidFile(node), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function isOurProcess(pid) {
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes(`-Dlocal.kafka.run.dir=${runDir}`);
  } catch {
    // No /proc (macOS): fall back to "the pid exists".
    try {
      process.kill(pid, 0);
      return process.platform !== 'linux';
    } catch {
      return false;
    }
  }
}

export function runningNodes(state) {
  if (!state) return [];
  return state.nodes.filter((n) => {
    const pid = readPid(n);
    return pid !== undefined && isOurProcess(pid);
  });
}

export function bootstrap(state) {
  return state.nodes.map((n) => `127.0.0.1:${n.port}`).join(',');
}

export async function withLock(fn) {
  fs.mkdirSync(runDir, { recursive: true });
  const deadline = Date.now() + START_TIMEOUT_MS + 30_000;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'owner'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const owner = Number(fs.readFileSync(path.join(lockDir, 'owner'), { encoding: 'utf8', flag: 'a+' }) || 0);
      if (owner && !pidAlive(owner)) {
        fs.rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the lock ${lockDir}`);
      await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

export function pidAlive(pid) {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return err.code === 'EPERM';
  }
  // A zombie (exited, not yet reaped by its parent) is gone for us.
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc (macOS): kill(pid, 0) is all we know
  }
}

export function logTail(node, lines = 40) {
  for (const name of ['server.log', 'stdout.log']) {
    const file = path.join(node.dir, 'logs', name);
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    if (text.length === 1 && text[0] === '') continue;
    return `--- last ${Math.min(lines, text.length)} lines of ${file} ---\n${text.slice(-lines).join('\n')}`;
  }
  return `(no broker log under ${path.join(node.dir, 'logs')})`;
}

export function spawnNode(libs, node) {
  const out = fs.openSync(path.join(node.dir, 'logs', 'stdout.log'), 'a');
  try {
    const child = spawn('java', javaArgs(libs, node, 'kafka.Kafka', [path.join(node.dir, 'server.properties')]), {
      detached: true,
      stdio: ['ignore', out, out],
    });
    fs.writeFileSync(pidFile(node), String(child.pid));
    child.unref();
    return child.pid;
  } finally {
    fs.closeSync(out);
  }
}

/** SIGTERM to our running nodes among `nodes`, SIGKILL to those still running after STOP_TIMEOUT_MS. */
export async function stopNodes(nodes) {
  const pids = nodes.map((n) => [n, readPid(n)]).filter(([, pid]) => pid !== undefined && isOurProcess(pid));
  for (const [, pid] of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (pids.some(([, pid]) => pidAlive(pid)) && Date.now() < deadline) await sleep(200);
  for (const [n, pid] of pids) {
    if (pidAlive(pid)) {
      log(`node ${n.id} (pid ${pid}) ignored SIGTERM for ${STOP_TIMEOUT_MS} ms: SIGKILL`);
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
  while (pids.some(([, pid]) => pidAlive(pid))) await sleep(100);
  for (const n of nodes) fs.rmSync(pidFile(n), { force: true });
  return pids.length;
}
