#!/usr/bin/env node
// `npx nx serve <app>`: the app in watch mode for development, with the same development settings as `npm start`
// (tools/scripts/dev-env.mjs). A change under apps/ or libs/ rebuilds dist/apps/<app>/main.js (`nx build <app>`); the
// running app is then stopped (SIGTERM: it finishes and commits its in-flight work), and only once it has exited is
// the new build started, so the new one never finds its HTTP port still taken. Ctrl-C stops the app the same way and
// waits for it. The app runs in its own process group: the terminal's Ctrl-C reaches only this script.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEV_MASKING_KEY, generatorDevEnv, processorDevEnv } from './dev-env.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const APPS = { processor: processorDevEnv, generator: generatorDevEnv };
// An app that has not exited this long after SIGTERM is killed (its own grace period is 20-25 s).
const STOP_TIMEOUT_MS = 60_000;
const REBUILD_SETTLE_MS = 300;

const say = (msg) => process.stderr.write(`[serve] ${msg}\n`);
const name = process.argv[2];
if (!Object.hasOwn(APPS, name ?? '')) {
  process.stderr.write(`usage: node tools/scripts/serve.mjs <${Object.keys(APPS).join('|')}>\n`);
  process.exit(2);
}
const main = path.join(repoRoot, 'dist/apps', name, 'main.js');
const env = { ...process.env, ...APPS[name]() };
if (name === 'processor' && !process.env.MASKING_KEY)
  say(`MASKING_KEY is not set: using the DEVELOPMENT key "${DEV_MASKING_KEY}" (never use it in production)`);

let app;
let stopping = false;

function startApp() {
  if (stopping || !fs.existsSync(main)) return;
  const child = spawn(process.execPath, ['--enable-source-maps', main], {
    cwd: repoRoot,
    env,
    stdio: 'inherit',
    detached: true,
  });
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.exited.then(({ code, signal }) => {
    if (app === child && !stopping) say(`${name} exited (${signal ?? `code ${code}`}); waiting for the next change`);
  });
  app = child;
  say(`${name} started (pid ${child.pid})`);
}

async function stopApp() {
  const child = app;
  app = undefined;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  const { code, signal } = await child.exited;
  clearTimeout(timer);
  say(`${name} stopped (${signal ?? `code ${code}`})`);
}

/** `nx build <app>`: resolves true when it succeeded. */
function buildOnce() {
  return new Promise((resolve) => {
    const build = spawn('npx', ['nx', 'build', name, '--outputStyle=static'], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    build.once('exit', (code) => resolve(code === 0));
  });
}

let restarting = Promise.resolve();
let pending;
function rebuildAndRestart(why) {
  restarting = restarting.then(async () => {
    if (stopping) return;
    say(`${why}: building ${name}`);
    if (!(await buildOnce())) {
      say('the build failed; the running app stays as it is until the next change');
      return;
    }
    if (stopping) return;
    await stopApp();
    startApp();
  });
}

// Sources of the app and of every library (an app bundles the libraries it imports).
for (const dir of [path.join(repoRoot, 'apps', name, 'src'), path.join(repoRoot, 'libs')]) {
  fs.watch(dir, { recursive: true }, (_event, file) => {
    if (stopping || !file || !/\.(ts|json)$/.test(file) || /\.(spec|int-spec)\.ts$/.test(file)) return;
    clearTimeout(pending);
    // An editor saves in several writes: act when they have settled.
    pending = setTimeout(
      () => rebuildAndRestart(`changed ${path.relative(repoRoot, path.join(dir, file))}`),
      REBUILD_SETTLE_MS,
    );
  });
}
rebuildAndRestart('starting');

async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  say(`${signal}: stopping ${name} (it finishes and commits its in-flight work)`);
  clearTimeout(pending);
  await restarting;
  await stopApp();
  process.exit(0);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void shutdown(signal));
