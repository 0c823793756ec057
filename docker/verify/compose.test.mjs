// docker/compose.yaml against the Compose Specification JSON schema (compose-spec.json from the Go module
// github.com/compose-spec/compose-go/v2, the loader `docker compose` itself uses), plus what the schema cannot
// see: every file it references exists, dependencies name real services, the Kafka image matches tools/kafka.
//   COMPOSE_SCHEMA=/path/compose-spec.json node --test docker/verify/compose.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import YAML from 'yaml';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const composeDir = path.join(repoRoot, 'docker');
const composeFile = path.join(composeDir, 'compose.yaml');

// Compose interpolation as the spec defines it for what this file uses: ${VAR}, ${VAR:-default}, ${VAR-default}
// and $$ for a literal $. Variables are taken as unset, so the defaults are what gets checked.
function interpolate(value) {
  if (typeof value === 'string') {
    return value.replace(
      /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
      (m, name, op, def, bare) => {
        if (m === '$$') return '$';
        if (bare) return '';
        return op ? def : '';
      },
    );
  }
  if (Array.isArray(value)) return value.map(interpolate);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v)]));
  return value;
}

const raw = YAML.parse(fs.readFileSync(composeFile, 'utf8'), { merge: true });
const compose = interpolate(raw);
const services = compose.services ?? {};

describe('docker/compose.yaml', () => {
  it('validates against the Compose Specification schema', (t) => {
    const schemaPath = process.env.COMPOSE_SCHEMA;
    assert.ok(
      schemaPath && fs.existsSync(schemaPath),
      'COMPOSE_SCHEMA must name compose-spec.json (docker/verify/run.sh fetches it)',
    );
    const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const ok = validate(compose);
    assert.ok(ok, `schema errors:\n${JSON.stringify(validate.errors, null, 2)}`);
    t.diagnostic(`schema: ${schemaPath}`);
  });

  it('the schema check is not vacuous: a misspelt key and a wrong type are rejected', () => {
    const schema = JSON.parse(fs.readFileSync(process.env.COMPOSE_SCHEMA, 'utf8'));
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
    const typo = structuredClone(compose);
    typo.services.processor.enviroment = { A: 'b' };
    assert.equal(validate(typo), false, 'a misspelt service key is rejected');
    const wrongType = structuredClone(compose);
    wrongType.services.kafka.ports = '127.0.0.1:29092:29092'; // must be a list
    assert.equal(validate(wrongType), false, 'a string where a list belongs is rejected');
  });

  it('runs the services the pipeline needs, the replayer only on demand', () => {
    assert.deepEqual(Object.keys(services).sort(), [
      'dlq-replayer',
      'generator',
      'grafana',
      'kafka',
      'kafka-init',
      'processor',
      'prometheus',
    ]);
    assert.deepEqual(services['dlq-replayer'].profiles, ['replay']);
    assert.deepEqual(
      services['dlq-replayer'].command,
      ['node', 'main.js', 'replay'],
      'the replayer runs its replay command',
    );
    for (const name of ['kafka', 'kafka-init', 'generator', 'processor', 'prometheus', 'grafana'])
      assert.equal(services[name].profiles, undefined, name);
  });

  it('uses apache/kafka at the version of tools/kafka/pom.xml, in KRaft mode', () => {
    const pom = fs.readFileSync(path.join(repoRoot, 'tools/kafka/pom.xml'), 'utf8');
    const version = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)[1];
    assert.equal(services.kafka.image, `apache/kafka:${version}`);
    assert.equal(services['kafka-init'].image, `apache/kafka:${version}`);
    assert.equal(services.kafka.environment.KAFKA_PROCESS_ROLES, 'broker,controller');
    assert.ok(services.kafka.healthcheck.test.join(' ').includes('kafka-broker-api-versions.sh'));
  });

  it("kafka-init creates the four topics with 3 partitions using the image's kafka-topics.sh", () => {
    const script = services['kafka-init'].command.join('\n');
    assert.match(script, /\/opt\/kafka\/bin\/kafka-topics\.sh/);
    for (const topic of ['user-login', 'processed-user-login', 'user-login-dlq', 'user-login-dlq-parked'])
      assert.ok(script.includes(topic), topic);
    assert.match(script, /--partitions 3/);
    assert.match(script, /--if-not-exists/);
    assert.match(script, /"\$topic"/, 'the shell variable survives interpolation ($$ in the file)');
    assert.equal(services['kafka-init'].restart, 'no');
  });

  it('kafka-init gives the DLQ topics every config of libs/kafka/src/topic-configs.json', () => {
    const script = services['kafka-init'].command.join('\n');
    const { deadLetter } = JSON.parse(
      fs.readFileSync(path.join(repoRoot, 'libs/kafka/src/topic-configs.json'), 'utf8'),
    );
    const dlqLoop = script.split('\n').find((line) => line.includes('user-login-dlq '));
    assert.ok(dlqLoop, 'a loop over the DLQ topics');
    assert.match(script, new RegExp(`--config max\\.message\\.bytes=${deadLetter['max.message.bytes']}`));
    for (const [name, value] of Object.entries(deadLetter)) {
      assert.ok(script.includes(`--config ${name}=${value}`), `kafka-init lacks --config ${name}=${value}`);
    }
  });

  it('dependencies name real services; one-shot services are awaited to completion', () => {
    for (const [name, service] of Object.entries(services)) {
      const deps = Array.isArray(service.depends_on)
        ? Object.fromEntries(service.depends_on.map((d) => [d, {}]))
        : (service.depends_on ?? {});
      for (const [dep, spec] of Object.entries(deps)) {
        assert.ok(services[dep], `${name} depends on unknown service ${dep}`);
        if (spec.condition === 'service_completed_successfully')
          assert.equal(services[dep].restart, 'no', `${dep} must not restart`);
      }
    }
    for (const app of ['generator', 'processor', 'dlq-replayer']) {
      assert.equal(services[app].depends_on['kafka-init'].condition, 'service_completed_successfully', app);
    }
  });

  it('builds each app from its own generated Dockerfile with the repository root as context', () => {
    for (const app of ['generator', 'processor', 'dlq-replayer']) {
      assert.equal(path.resolve(composeDir, services[app].build.context), repoRoot, app);
      assert.equal(services[app].build.dockerfile, `docker/${app}.Dockerfile`);
      assert.equal(services[app].environment.KAFKA_BROKERS, 'kafka:9092');
      assert.equal(services[app].read_only, true, `${app} read-only root filesystem`);
      assert.deepEqual(services[app].cap_drop, ['ALL']);
    }
  });

  it('gives the processor its masking key as a secret file and more time to stop than its own 25 s grace', () => {
    const p = services.processor;
    assert.deepEqual(p.secrets, ['masking_key', 'lineage_key']);
    assert.equal(p.environment.MASKING_KEY_FILE, '/run/secrets/masking_key');
    assert.equal(p.environment.MASKING_KEY, undefined);
    // The committed development key goes by key id `dev` (the processor warns about it), never by a production-looking id.
    assert.equal(p.environment.MASKING_KEY_ID, 'dev');
    // The image sets NODE_ENV=production, which refuses key id `dev`: the stack says it is development.
    assert.equal(p.environment.NODE_ENV, 'development');
    assert.ok(parseInt(p.stop_grace_period, 10) > 25);
    assert.equal(compose.secrets.masking_key.file, './secrets/masking-key.dev-only');
  });

  it('gives the processor and the replayer the same lineage key, as a secret file', () => {
    for (const app of ['processor', 'dlq-replayer']) {
      const s = services[app];
      assert.ok(s.secrets.includes('lineage_key'), app);
      assert.equal(s.environment.LINEAGE_KEY_FILE, '/run/secrets/lineage_key', app);
      assert.equal(s.environment.LINEAGE_KEY, undefined, app);
      assert.equal(s.environment.LINEAGE_KEY_ID, 'dev', app);
    }
    assert.equal(compose.secrets.lineage_key.file, './secrets/lineage-key.dev-only');
  });

  it('every file and directory it references exists', () => {
    const missing = [];
    const check = (p, what) => {
      if (!fs.existsSync(p)) missing.push(`${what}: ${path.relative(repoRoot, p)}`);
    };
    for (const [name, s] of Object.entries(services)) {
      if (s.build) {
        const context = path.resolve(composeDir, typeof s.build === 'string' ? s.build : s.build.context);
        check(context, `${name} build context`);
        check(path.resolve(context, s.build.dockerfile ?? 'Dockerfile'), `${name} dockerfile`);
      }
      for (const v of s.volumes ?? []) {
        const source = typeof v === 'string' ? v.split(':')[0] : v.type === 'bind' ? v.source : null;
        if (source && /^[./~]/.test(source)) check(path.resolve(composeDir, source), `${name} bind mount`);
      }
      for (const f of [].concat(s.env_file ?? []))
        check(path.resolve(composeDir, typeof f === 'string' ? f : f.path), `${name} env_file`);
    }
    for (const [kind, entries] of [
      ['secret', compose.secrets ?? {}],
      ['config', compose.configs ?? {}],
    ]) {
      for (const [name, e] of Object.entries(entries))
        if (e.file) check(path.resolve(composeDir, e.file), `${kind} ${name}`);
    }
    // files the mounted directories must contain for Prometheus and Grafana to start as configured
    for (const f of [
      'prometheus/prometheus.yml',
      'prometheus/alerts.rules.yml',
      'grafana/provisioning/datasources/prometheus.yaml',
      'grafana/provisioning/dashboards/login-pipeline.yaml',
      'grafana/dashboards/login-pipeline.json',
    ])
      check(path.join(composeDir, f), 'mounted file');
    const home = services.grafana.environment.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH;
    check(path.join(composeDir, 'grafana/dashboards', path.basename(home)), 'grafana home dashboard');
    assert.deepEqual(missing, []);
  });

  it('Prometheus scrapes the apps under the job names the alert rules use', () => {
    const prom = YAML.parse(fs.readFileSync(path.join(composeDir, 'prometheus/prometheus.yml'), 'utf8'));
    const jobs = Object.fromEntries(prom.scrape_configs.map((c) => [c.job_name, c.static_configs[0].targets[0]]));
    assert.equal(jobs['login-processor'], 'processor:8080');
    assert.equal(jobs['login-generator'], 'generator:8080');
    assert.equal(jobs['login-dlq-replayer'], 'dlq-replayer:8080');
    assert.ok(services.prometheus.volumes.some((v) => v.startsWith('./prometheus:/etc/prometheus')));
  });
});
