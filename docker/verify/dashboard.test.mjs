// The Grafana dashboard: valid JSON with the panels the issue asks for, every PromQL expression parses (each is
// written as a recording rule into a temporary rules file that `promtool check rules` parses: promtool has no
// expression-only command), and every metric the dashboard and the alert rules use is one the processor really
// exports (its /metrics text, scraped by docker/verify/run.sh into PROCESSOR_METRICS_FILE).
//   PROMTOOL=/path/promtool PROCESSOR_METRICS_FILE=/path/metrics.txt node --test docker/verify/dashboard.test.mjs
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const dashboardFile = path.join(repoRoot, 'docker/grafana/dashboards/login-pipeline.json');
const rulesFile = path.join(repoRoot, 'docker/prometheus/alerts.rules.yml');
const PROMTOOL = process.env.PROMTOOL ?? 'promtool';

// docs/contracts.md "Metrics": the processor's metric names are a contract.
const CONTRACT_METRICS = [
  'login_processor_records_consumed_total',
  'login_processor_records_processed_total',
  'login_processor_records_dead_lettered_total',
  'login_processor_events_total',
  'login_processor_event_latency_seconds',
  'login_processor_batch_duration_seconds',
  'login_processor_consumer_lag',
];
// Default prom-client process metrics the dashboard uses, and series Prometheus makes itself.
const PROCESS_METRICS = ['process_cpu_seconds_total', 'process_resident_memory_bytes'];
const SYNTHETIC = new Set(['up']);

const dashboard = JSON.parse(fs.readFileSync(dashboardFile, 'utf8'));
const panels = dashboard.panels.flatMap((p) => (p.type === 'row' ? [p, ...(p.panels ?? [])] : [p]));
const targets = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p, target: t })));
const ruleExprs = YAML.parse(fs.readFileSync(rulesFile, 'utf8')).groups.flatMap((g) =>
  g.rules.map((r) => ({ name: r.alert ?? r.record, expr: r.expr })),
);

// Grafana's variables have no meaning to PromQL: give them values of the right shape.
const grafanaToPromql = (expr) =>
  expr
    .replace(/\$__(rate_interval|interval|range)\b|\$\{__(rate_interval|interval|range)\}/g, '1m')
    .replace(/\$\{?\w+\}?/g, '.*');

const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'atan2',
  'inf',
  'nan',
  'Inf',
  'NaN',
]);
export function metricNamesOf(expr) {
  let s = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  s = s.replace(/\{[^}]*\}/g, ' ').replace(/\[[^\]]*\]/g, ' ');
  s = s.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set();
  for (const m of s.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    if (/[0-9.]$/.test(s.slice(0, m.index))) continue; // 1e3, 5m
    if (/^\s*\(/.test(s.slice(m.index + m[0].length))) continue; // a function
    if (KEYWORDS.has(m[0])) continue;
    names.add(m[0]);
  }
  return [...names];
}

// Names a Prometheus text exposition offers to queries: every sample name, and for histograms and summaries
// the _bucket/_sum/_count series of the # TYPE family.
function exportedNames(text) {
  const names = new Set();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) {
      names.add(type[1]);
      if (type[2] === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(type[1] + s);
      if (type[2] === 'summary') for (const s of ['_sum', '_count']) names.add(type[1] + s);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line);
    if (sample) names.add(sample[1]);
  }
  return names;
}
const family = (name) => name.replace(/_(bucket|sum|count)$/, '');

function promtoolCheckRules(exprs) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-promql-'));
  const file = path.join(dir, 'dashboard-exprs.rules.yml');
  const rules = exprs.map((e, i) => ({ record: `dashboard:expr_${i}`, expr: e }));
  fs.writeFileSync(file, YAML.stringify({ groups: [{ name: 'dashboard-expressions', rules }] }));
  const res = spawnSync(PROMTOOL, ['check', 'rules', file], { encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  return { ok: res.status === 0, output: `${res.stdout}${res.stderr}${res.error ?? ''}` };
}

describe('Grafana dashboard docker/grafana/dashboards/login-pipeline.json', () => {
  it('is a dashboard with a stable uid, unique panel ids and a Prometheus data source variable', () => {
    assert.equal(dashboard.uid, 'login-pipeline');
    const ids = panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
    assert.ok(dashboard.templating.list.some((v) => v.type === 'datasource' && v.query === 'prometheus'));
    for (const { panel, target } of targets) {
      assert.ok(target.expr && target.refId, `panel "${panel.title}" target has expr and refId`);
      assert.equal(target.datasource.type, 'prometheus');
    }
  });

  it('has the panels the pipeline needs', () => {
    const exprsOf = (re) =>
      panels
        .filter((p) => p.type !== 'row' && re.test(p.title))
        .flatMap((p) => p.targets.map((t) => t.expr))
        .join('\n');
    const throughput = exprsOf(/^Throughput/);
    for (const m of [
      'login_processor_records_consumed_total',
      'login_processor_records_processed_total',
      'login_processor_records_dead_lettered_total',
    ])
      assert.ok(throughput.includes(m), `throughput shows ${m}`);
    assert.match(exprsOf(/DLQ by reason/), /sum by \(reason\)/);
    assert.match(exprsOf(/lag by partition/i), /by \(topic, partition\)[\s\S]*login_processor_consumer_lag/);
    const latency = exprsOf(/latency percentiles/i);
    for (const q of ['0.5', '0.9', '0.99']) assert.ok(latency.includes(`histogram_quantile(${q}`), `latency p${q}`);
    assert.match(latency, /login_processor_event_latency_seconds_bucket/);
    for (const label of ['device_type', 'app_version', 'locale'])
      assert.match(
        exprsOf(new RegExp(label.replace('_', ' '), 'i')),
        new RegExp(`sum by \\(${label}\\) \\(rate\\(login_processor_events_total`),
      );
  });

  it('every PromQL expression parses (promtool check rules on a generated rules file)', (t) => {
    const exprs = targets.map(({ target }) => grafanaToPromql(target.expr));
    const res = promtoolCheckRules(exprs);
    assert.ok(res.ok, res.output);
    t.diagnostic(`${exprs.length} expressions parsed by promtool`);
  });

  it('the parse check is not vacuous: a broken expression fails it', () => {
    assert.equal(promtoolCheckRules(['sum(rate(login_processor_records_consumed_total[1m])']).ok, false);
  });

  it('uses only the contract metrics of docs/contracts.md "Metrics" (plus default process metrics and up)', () => {
    const used = new Set(
      [...targets.map(({ target }) => target.expr), ...ruleExprs.map((r) => r.expr)].flatMap((e) =>
        metricNamesOf(grafanaToPromql(e)),
      ),
    );
    const allowed = new Set([...CONTRACT_METRICS, ...PROCESS_METRICS, ...SYNTHETIC]);
    const unknown = [...used].filter((n) => !allowed.has(family(n)) && !allowed.has(n));
    assert.deepEqual(unknown, []);
    assert.ok(used.size >= 8, `found ${used.size} metric names`);
  });

  it('every metric used is exported by a running processor (scraped /metrics)', (t) => {
    const file = process.env.PROCESSOR_METRICS_FILE;
    assert.ok(
      file && fs.existsSync(file),
      'PROCESSOR_METRICS_FILE is missing: the processor-host step scrapes a running processor first',
    );
    const exported = exportedNames(fs.readFileSync(file, 'utf8'));
    const used = new Set(
      [...targets.map(({ target }) => target.expr), ...ruleExprs.map((r) => r.expr)].flatMap((e) =>
        metricNamesOf(grafanaToPromql(e)),
      ),
    );
    const missing = [...used].filter((n) => !SYNTHETIC.has(n) && !exported.has(n));
    assert.deepEqual(missing, [], `used by the dashboard or alerts but not exported by the processor (${file})`);
    t.diagnostic(`${used.size} metric names checked against ${exported.size} exported names`);
  });

  it('the metric-name extraction finds what it should', () => {
    assert.deepEqual(metricNamesOf('histogram_quantile(0.99, sum by (le) (rate(a_bucket{x="y"}[5m]))) > 5'), [
      'a_bucket',
    ]);
    assert.deepEqual(metricNamesOf('(sum(up{job="p"}) or vector(0)) == 0'), ['up']);
    assert.deepEqual(
      metricNamesOf('sum by (topic) (max by (topic, partition) (lag)) > 1e3 and on (topic) b offset 5m').sort(),
      ['b', 'lag'],
    );
  });
});
