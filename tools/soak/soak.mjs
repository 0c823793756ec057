#!/usr/bin/env node
// `npm run soak -- --runs N [--only NAMES]`: runs every fault test (`*.fault.int-spec.ts`) N times with Jest and
// tabulates what each run reported through reportFaultRun (@login/kafka/testing): records lost, duplicates,
// recovery time, processor exits. Exits non-zero if a run lost a record, failed, or reported nothing.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { brokerAnswers, release, setLeaseStartedFor, up } from '../kafka/kafka.mjs';
import { formatRun, formatSummary, parseReportLines, runRows, summarize } from './report.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SUFFIX = '.fault.int-spec.ts';
const say = (msg) => process.stderr.write(`[soak] ${msg}\n`);

const HELP = `Usage: npm run soak -- [--runs N] [--only NAMES]
       npm run soak -- --duration 60m --faults [--rate N] [--guarantee G]

Runs every fault test (apps/*/src/**/*${SUFFIX}, libs/*/src/**/*${SUFFIX}) N times, each file once per run
with Jest (its project's jest.int.config.js), and prints per run and per test: records lost, duplicates, recovery
time and processor exits, then a summary. Exits 1 if any run lost a record, failed, or reported nothing.

Options:
  --runs N      how many times to run every fault test (default 1)
  --only NAMES  only the fault test files whose name contains one of NAMES, comma-separated (e.g. --only
                leader,frozen for leader-kill${SUFFIX} and frozen-broker${SUFFIX})
  --duration T  the long soak instead (apps/processor/src/long-run.soak-spec.ts): the generator at --rate events/s
                (default 500) for T (30m, 1h, 90s) into three brokers behind toxiproxy, one processor, and with
                --faults a fault every 5 minutes (latency, a black-holed leader, 100 KB/s, a frozen broker, the
                processor SIGKILLed); samples RSS, lag and commits every 10 s; writes a report and an SVG plot of
                lag and RSS to tools/soak/results/. --guarantee at_least_once (default) or exactly_once.
  -h, --help    this text

Uses the broker at KAFKA_BROKERS if one answers there, otherwise the tools/kafka broker (started for the soak if
needed, stopped afterwards if the soak started it). The apps are built once first. Jest's output of each run is
kept under tmp/soak-<time>/.`;

function options(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: 'string', default: '1' },
      only: { type: 'string' },
      duration: { type: 'string' },
      faults: { type: 'boolean' },
      rate: { type: 'string', default: '500' },
      guarantee: { type: 'string', default: 'at_least_once' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got "${values.runs}"`);
  const long = values.duration === undefined ? undefined : longOptions(values);
  return { runs, only: values.only, help: values.help, long };
}

/** `--duration 1h30m` and friends: the long soak's settings, or an error naming the wrong one. */
function longOptions(values) {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(values.duration);
  const ms = m ? ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000 : 0;
  if (!ms) throw new Error(`--duration must be like 60m, 1h or 90s, got "${values.duration}"`);
  const rate = Number(values.rate);
  if (!Number.isInteger(rate) || rate < 1) throw new Error(`--rate must be a positive integer, got "${values.rate}"`);
  if (!['at_least_once', 'exactly_once'].includes(values.guarantee))
    throw new Error(`--guarantee must be at_least_once or exactly_once, got "${values.guarantee}"`);
  // Without --faults the soak is steady traffic only: one "fault interval" longer than the run.
  return { ms, rate, guarantee: values.guarantee, faultEveryMs: values.faults ? 5 * 60_000 : ms + 1 };
}

/** The long soak: one Jest run of long-run.soak-spec.ts, its output on this terminal. */
function runLongSoak(long) {
  const build = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '-p', 'processor', 'generator'], {
    cwd: repoRoot,
    stdio: ['ignore', 2, 2],
  });
  if (build.status !== 0) return 1;
  say(`long soak: ${long.ms / 60_000} min at ${long.rate} events/s, ${long.guarantee}`);
  const res = spawnSync(
    'npx',
    // --forceExit: a client of the test helpers may keep a socket open for a moment after the run.
    ['jest', '-c', 'apps/processor/jest.int.config.js', '--testMatch', '**/long-run.soak-spec.ts', '--forceExit'],
    {
      cwd: repoRoot,
      stdio: 'inherit',
      env: {
        ...process.env,
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=8192`.trim(),
        SOAK_DURATION_MS: String(long.ms),
        SOAK_RATE: String(long.rate),
        SOAK_GUARANTEE: long.guarantee,
        SOAK_FAULT_EVERY_MS: String(long.faultEveryMs),
      },
    },
  );
  return res.status ?? 1;
}

/** Every fault test file under apps/*\/src and libs/*\/src, with the project (the folder of jest.int.config.js). */
function faultTests() {
  const found = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(full);
      else if (entry.isFile() && entry.name.endsWith(SUFFIX)) found.push(full);
    }
  };
  for (const top of ['apps', 'libs']) {
    for (const project of fs.readdirSync(path.join(repoRoot, top))) {
      const src = path.join(repoRoot, top, project, 'src');
      if (fs.existsSync(src)) walk(src);
    }
  }
  return found.sort().map((file) => {
    let dir = path.dirname(file);
    while (!fs.existsSync(path.join(dir, 'jest.int.config.js'))) {
      if (dir === repoRoot) throw new Error(`${path.relative(repoRoot, file)} has no jest.int.config.js above it`);
      dir = path.dirname(dir);
    }
    const projectJson = JSON.parse(fs.readFileSync(path.join(dir, 'project.json'), 'utf8'));
    return {
      file,
      name: path.basename(file, SUFFIX),
      projectDir: dir,
      project: projectJson.name,
      buildable: Boolean(projectJson.targets?.build),
    };
  });
}

let current; // the Jest child running now, for Ctrl-C
let interrupted = false;

function runJest(test, reportFile, logFile) {
  return new Promise((resolve) => {
    const log = fs.openSync(logFile, 'w');
    const child = spawn('npx', ['jest', '-c', path.join(test.projectDir, 'jest.int.config.js'), test.file], {
      cwd: repoRoot,
      // Gray-failure tests hold their faults as long as the issue asks only here (npm test holds them shorter).
      env: { ...process.env, FAULT_REPORT_FILE: reportFile, FAULT_FULL_LENGTH: '1' },
      stdio: ['ignore', log, log],
    });
    current = child;
    child.on('exit', (code, signal) => {
      fs.closeSync(log);
      current = undefined;
      resolve({ exitCode: code ?? 1, signal });
    });
  });
}

async function main(argv) {
  const opts = options(argv);
  if (opts.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (opts.long) return runLongSoak(opts.long);
  const all = faultTests();
  const names = opts.only?.split(',').filter(Boolean);
  const tests = names ? all.filter((t) => names.some((n) => t.name.includes(n))) : all;
  if (tests.length === 0) {
    say(
      all.length === 0
        ? `no fault tests (*${SUFFIX}) found`
        : `no fault test matches "${opts.only}"; there are: ${all.map((t) => t.name).join(', ')}`,
    );
    return 2;
  }
  say(`${tests.length} fault test file(s): ${tests.map((t) => t.name).join(', ')}; ${opts.runs} run(s)`);

  const buildable = [...new Set(tests.filter((t) => t.buildable).map((t) => t.project))];
  if (buildable.length) {
    say(`building ${buildable.join(', ')}`);
    const build = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '-p', ...buildable, '--outputStyle=static'], {
      cwd: repoRoot,
      stdio: ['ignore', 2, 2],
    });
    if (build.status !== 0) {
      say('build failed');
      return 1;
    }
  }

  let leased = false;
  if (!(process.env.KAFKA_BROKERS && (await brokerAnswers(process.env.KAFKA_BROKERS)))) {
    const res = await up({ brokers: 1, lease: process.pid });
    leased = true;
    if (res.started) setLeaseStartedFor();
    process.env.KAFKA_BROKERS = res.bootstrap;
  }
  say(`broker: ${process.env.KAFKA_BROKERS}`);

  const outDir = path.join(repoRoot, 'tmp', `soak-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  fs.mkdirSync(outDir, { recursive: true });
  say(`Jest output and reports in ${path.relative(repoRoot, outDir)}/`);
  const allRows = [];
  try {
    for (let run = 1; run <= opts.runs && !interrupted; run++) {
      const files = [];
      for (const test of tests) {
        if (interrupted) break;
        const reportFile = path.join(outDir, `run-${run}-${test.name}.jsonl`);
        const started = Date.now();
        const { exitCode, signal } = await runJest(test, reportFile, path.join(outDir, `run-${run}-${test.name}.log`));
        const { results, errors } = parseReportLines(
          fs.existsSync(reportFile) ? fs.readFileSync(reportFile, 'utf8') : '',
        );
        files.push({ name: test.name, exitCode, signal, results, errors, ms: Date.now() - started });
      }
      const rows = runRows(files);
      allRows.push(rows);
      process.stdout.write(`\n${formatRun(run, opts.runs, rows)}\n`);
    }
  } finally {
    if (leased) await release(process.pid);
  }
  const summary = summarize(allRows);
  process.stdout.write(`\n${formatSummary(summary, allRows.length)}\n`);
  if (interrupted) say(`interrupted after ${allRows.length} of ${opts.runs} run(s)`);
  return summary.failed > 0 || interrupted ? 1 : 0;
}

process.on('SIGINT', () => {
  interrupted = true;
  say('Ctrl-C: stopping after the current test file');
  current?.kill('SIGINT');
});

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`soak: ${err.message}\n`);
    process.exit(err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || /^--\w+ must/.test(err.message) ? 2 : 1);
  },
);
