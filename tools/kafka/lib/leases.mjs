// Leases: several test processes may share one broker that a test run started.
import fs from 'node:fs';
import path from 'node:path';
import { pidAlive, readState, stopNodes, withLock, writeState } from './processes.mjs';
import { stopProxy } from './proxy-process.mjs';
import { leaseDir } from './settings.mjs';

export function addLease(holder, starter = false) {
  fs.mkdirSync(leaseDir, { recursive: true });
  fs.writeFileSync(path.join(leaseDir, String(holder)), JSON.stringify({ starter }));
}

/** Drops a lease; stops the cluster when it was started by a lease holder and no live holder remains. */
export async function release(holder) {
  return withLock(async () => {
    let starterSeen = false;
    fs.rmSync(path.join(leaseDir, String(holder)), { force: true });
    const live = [];
    for (const name of fs.existsSync(leaseDir) ? fs.readdirSync(leaseDir) : []) {
      const info = JSON.parse(fs.readFileSync(path.join(leaseDir, name), 'utf8'));
      if (pidAlive(Number(name))) live.push(name);
      else fs.rmSync(path.join(leaseDir, name), { force: true });
      starterSeen ||= info.starter;
    }
    const state = readState();
    if (live.length === 0 && (state?.leaseStarted ?? false)) {
      await stopNodes(state.nodes);
      await stopProxy(state);
      state.leaseStarted = false;
      writeState(state);
      return { stopped: true };
    }
    return { stopped: false, starterSeen };
  });
}

/** Marks the running cluster as started by a lease holder: the last `release` stops it. */
export function setLeaseStartedFor() {
  setLeaseStarted(true);
}

export function setLeaseStarted(value) {
  const state = readState();
  if (state && state.leaseStarted !== value) {
    state.leaseStarted = value;
    writeState(state);
  }
}
