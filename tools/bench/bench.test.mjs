// Smoke test of the benchmark harness, run by `npm test` (node --test tools/) against the broker at KAFKA_BROKERS.
// It checks that a --smoke run finishes and that its results are well-formed; it asserts nothing about speed
// (timed assertions on a shared machine only make flaky tests).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-'));
after(() => fs.rmSync(out, { recursive: true, force: true }));

const positive = (x) => typeof x === 'number' && Number.isFinite(x) && x > 0;

test(
  'bench --smoke drains the same data with every variant and writes a well-formed table, JSON, SVG and summary line',
  { timeout: 240_000 },
  async () => {
    const { stdout, stderr } = await run(process.execPath, [path.join(here, 'bench.mjs'), '--smoke', '--out', out], {
      cwd: path.resolve(here, '../..'),
      timeout: 230_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    try {
      checkResults(stdout);
    } catch (err) {
      // A failed check shows what the harness said, so a failure on CI can be read without rerunning.
      err.message += `\n--- bench stdout ---\n${stdout}\n--- bench stderr (tail) ---\n${stderr.split('\n').slice(-30).join('\n')}`;
      throw err;
    }
  },
);

function checkResults(stdout) {
  const lines = stdout.trim().split('\n');
  const summary = JSON.parse(lines[lines.length - 1]);
  for (const key of [
    'processor_rps',
    'processor_exactly_once_rps',
    'passthrough_rps',
    'naive_rps',
    'ceiling_rps',
    'processor_invalid_rps',
  ]) {
    assert.ok(positive(summary[key]), `${key} = ${summary[key]}`);
  }
  for (const key of [
    'ratio_passthrough',
    'ratio_naive',
    'ratio_ceiling',
    'ratio_invalid',
    'replayer_inspect_rps',
    'replayer_replay_rps',
  ]) {
    assert.ok(positive(summary[key]), `${key} = ${summary[key]}`);
  }
  assert.match(stdout, /\| processor +\|/);
  assert.match(stdout, /processor ÷ passthrough/);

  const doc = JSON.parse(fs.readFileSync(path.join(out, 'bench-smoke.json'), 'utf8'));
  assert.equal(doc.run.mode, 'smoke');
  assert.ok(positive(doc.machine.cores) && positive(doc.machine.memoryBytes) && doc.machine.cpuModel);
  assert.ok(doc.versions.node && doc.versions.kafkajs);
  const keys = doc.throughput.variants.map((v) => v.key);
  assert.deepEqual(keys, [
    'processor',
    'processorExactlyOnce',
    'processorCore',
    'passthrough',
    'naive',
    'processorInvalid',
    'processorInvalidSmall',
    'ceilingConsumer',
    'ceilingProducer',
    'ceiling',
  ]);
  for (const v of doc.throughput.variants) {
    assert.ok(positive(v.rps), `${v.key} rps`);
    assert.equal(v.runs.length, doc.config.rounds, `${v.key} runs`);
  }
  // Every record of the data set had an outcome in every drain, and the naive one drained its subset.
  const byKey = Object.fromEntries(doc.throughput.variants.map((v) => [v.key, v]));
  assert.equal(byKey.processor.records, doc.config.count);
  assert.equal(byKey.processorExactlyOnce.records, doc.config.count);
  assert.equal(byKey.naive.records, doc.config.naiveCount);
  for (const k of ['processor', 'processorExactlyOnce', 'processorCore', 'passthrough', 'naive']) {
    assert.ok(positive(byKey[k].cpuUsPerRecord) && positive(byKey[k].peakRssBytes), `${k} CPU and RSS`);
  }

  assert.ok(doc.latency.length >= 1);
  for (const l of doc.latency) {
    for (const v of l.variants) {
      assert.equal(v.unmatched, 0, `${v.variant} at ${l.rate}/s: every output matched an input`);
      assert.ok(
        v.matched > 0 && v.p50 <= v.p95 && v.p95 <= v.p99 && v.p99 <= v.max,
        `${v.variant} percentiles ordered`,
      );
    }
  }
  assert.ok(positive(doc.core.processBatchUsPerRecord));
  assert.equal(doc.core.internalErrors, 0, 'the bench runs processBatch wired as the app is (record limits, DLQ size)');

  const svg = fs.readFileSync(path.join(out, 'bench-smoke.svg'), 'utf8');
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /<\/svg>\n$/);
  assert.ok((svg.match(/<rect /g) ?? []).length > doc.throughput.variants.length);
  const md = fs.readFileSync(path.join(out, 'bench-smoke.md'), 'utf8');
  assert.match(md, /\| processor ÷ passthrough +\| [0-9.]+/);
}
