// Renders the Helm chart for every app (and a few variants), validates each manifest against the Kubernetes,
// KEDA and Prometheus Operator models, asserts the security, probe and autoscaling contracts, and proves that
// bad values fail on the schema. Run by docker/verify/run.sh:
//   HELM=/path/to/helm node --test docker/verify/manifests.test.mjs
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const here = path.dirname(fileURLToPath(import.meta.url));
const dockerDir = path.resolve(here, '..');
const chart = path.join(dockerDir, 'helm/login-pipeline');
const valuesDir = path.join(dockerDir, 'helm/values');
const HELM = process.env.HELM ?? 'helm';
const PARTITIONS = 3;
const APP_SHUTDOWN_GRACE_S = 25;

function helmTemplate(release, args) {
  const res = spawnSync(HELM, ['template', release, chart, '--namespace', 'login-pipeline', ...args], {
    encoding: 'utf8',
  });
  return {
    ok: res.status === 0,
    stdout: res.stdout,
    stderr: (res.stderr ?? '') + (res.error ? String(res.error) : ''),
  };
}

function render(release, args) {
  const res = helmTemplate(release, args);
  assert.ok(res.ok, `helm template ${release} ${args.join(' ')} failed:\n${res.stderr}`);
  return YAML.parseAllDocuments(res.stdout)
    .map((d) => d.toJS())
    .filter((d) => d && typeof d === 'object');
}

// apiVersion/kind -> model class (validate() checks types, required fields and enums against the OpenAPI schema).
const MODEL_MODULES = {
  v1: 'kubernetes-models/v1',
  'apps/v1': 'kubernetes-models/apps/v1',
  'batch/v1': 'kubernetes-models/batch/v1',
  'policy/v1': 'kubernetes-models/policy/v1',
  'autoscaling/v2': 'kubernetes-models/autoscaling/v2',
  'networking.k8s.io/v1': 'kubernetes-models/networking.k8s.io/v1',
  'keda.sh/v1alpha1': '@kubernetes-models/keda/keda.sh/v1alpha1',
  'monitoring.coreos.com/v1': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1',
};
async function validateAgainstModel(doc) {
  const moduleName = MODEL_MODULES[doc.apiVersion];
  assert.ok(moduleName, `no model for apiVersion ${doc.apiVersion} (${doc.kind})`);
  const mod = await import(moduleName);
  const Model = mod[doc.kind];
  assert.ok(Model, `no model for ${doc.apiVersion} ${doc.kind}`);
  new Model(doc).validate(); // throws with the failing path
}

const byKind = (docs, kind) => docs.filter((d) => d.kind === kind);
const one = (docs, kind) => {
  const found = byKind(docs, kind);
  assert.equal(found.length, 1, `expected exactly one ${kind}, found ${found.length}`);
  return found[0];
};
const podSpecOf = (workload) =>
  workload.kind === 'CronJob' ? workload.spec.jobTemplate.spec.template.spec : workload.spec.template.spec;
const podLabelsOf = (workload) =>
  workload.kind === 'CronJob'
    ? workload.spec.jobTemplate.spec.template.metadata.labels
    : workload.spec.template.metadata.labels;
const matches = (selector, labels) => Object.entries(selector).every(([k, v]) => labels[k] === v);

function assertRestrictedPod(workload) {
  const pod = podSpecOf(workload);
  const where = `${workload.kind}/${workload.metadata.name}`;
  assert.equal(pod.securityContext.runAsNonRoot, true, `${where}: pod runAsNonRoot`);
  assert.ok(
    Number.isInteger(pod.securityContext.runAsUser) && pod.securityContext.runAsUser > 0,
    `${where}: numeric non-root runAsUser`,
  );
  assert.equal(pod.securityContext.seccompProfile?.type, 'RuntimeDefault', `${where}: pod seccomp RuntimeDefault`);
  assert.equal(pod.automountServiceAccountToken, false, `${where}: no service account token`);
  assert.ok(
    pod.terminationGracePeriodSeconds > APP_SHUTDOWN_GRACE_S,
    `${where}: terminationGracePeriodSeconds > ${APP_SHUTDOWN_GRACE_S}`,
  );
  assert.equal(pod.containers.length, 1);
  for (const c of pod.containers) {
    const sc = c.securityContext;
    assert.equal(sc.runAsNonRoot, true, `${where}: container runAsNonRoot`);
    assert.ok(Number.isInteger(sc.runAsUser) && sc.runAsUser > 0, `${where}: container numeric runAsUser`);
    assert.equal(sc.readOnlyRootFilesystem, true, `${where}: readOnlyRootFilesystem`);
    assert.equal(sc.allowPrivilegeEscalation, false, `${where}: allowPrivilegeEscalation false`);
    assert.equal(sc.privileged, false, `${where}: not privileged`);
    assert.deepEqual(sc.capabilities.drop, ['ALL'], `${where}: capabilities drop ALL`);
    assert.ok(!sc.capabilities.add, `${where}: no added capabilities`);
    assert.equal(sc.seccompProfile?.type, 'RuntimeDefault', `${where}: container seccomp RuntimeDefault`);
    // probes on the app's HTTP port
    const http = c.ports.find((p) => p.name === 'http');
    assert.ok(http, `${where}: an http port`);
    assert.deepEqual(c.livenessProbe.httpGet, { path: '/healthz', port: 'http' }, `${where}: liveness on /healthz`);
    assert.deepEqual(c.readinessProbe.httpGet, { path: '/readyz', port: 'http' }, `${where}: readiness on /readyz`);
    const env = Object.fromEntries(c.env.map((e) => [e.name, e.value]));
    assert.equal(env.HTTP_PORT, String(http.containerPort), `${where}: HTTP_PORT matches the container port`);
    // resources
    for (const k of ['requests', 'limits'])
      for (const r of ['cpu', 'memory']) assert.ok(c.resources?.[k]?.[r], `${where}: resources.${k}.${r}`);
    // image pinned, never :latest
    assert.match(c.image, /^[^:@]+(:[\w.-]+|@sha256:[a-f0-9]{64})$/, `${where}: image has a tag or digest`);
    assert.doesNotMatch(c.image, /:latest$/, `${where}: no :latest`);
    // secrets only as files: no secret values in env, *_FILE paths inside a read-only secret mount
    for (const secretVar of ['MASKING_KEY', 'KAFKA_SASL_PASSWORD']) {
      assert.ok(!(secretVar in env), `${where}: ${secretVar} must not be an env value`);
      const file = env[`${secretVar}_FILE`];
      if (file) {
        const mount = c.volumeMounts.find((m) => file.startsWith(m.mountPath + '/'));
        assert.ok(mount, `${where}: ${secretVar}_FILE ${file} is inside a volume mount`);
        assert.equal(mount.readOnly, true);
        const volume = pod.volumes.find((v) => v.name === mount.name);
        assert.ok(volume?.secret?.secretName, `${where}: ${secretVar}_FILE comes from a Secret volume`);
      }
    }
    // a writable /tmp, since the root filesystem is read-only
    assert.ok(
      c.volumeMounts.some((m) => m.mountPath === '/tmp'),
      `${where}: /tmp mounted`,
    );
  }
  return pod;
}

async function validateAll(docs) {
  assert.ok(docs.length > 0);
  for (const doc of docs) {
    await validateAgainstModel(doc);
    assert.equal(doc.metadata.labels?.['app.kubernetes.io/part-of'], 'login-pipeline', `${doc.kind}: standard labels`);
  }
}

function assertDeploymentWiring(docs) {
  const deployment = one(docs, 'Deployment');
  const podLabels = podLabelsOf(deployment);
  assert.ok(matches(deployment.spec.selector.matchLabels, podLabels), 'Deployment selector matches its pods');
  const service = one(docs, 'Service');
  assert.ok(matches(service.spec.selector, podLabels), 'Service selects the pods');
  const pdb = one(docs, 'PodDisruptionBudget');
  assert.equal(pdb.spec.maxUnavailable, 1, 'PDB maxUnavailable 1');
  assert.ok(matches(pdb.spec.selector.matchLabels, podLabels), 'PDB selects the pods');
  return deployment;
}

const rulesFile = YAML.parse(fs.readFileSync(path.join(dockerDir, 'prometheus/alerts.rules.yml'), 'utf8'));

describe('processor (values/processor.yaml): Deployment scaled by KEDA on consumer lag', async () => {
  const docs = render('login-processor', ['-f', path.join(valuesDir, 'processor.yaml')]);

  it('every manifest validates against its Kubernetes / KEDA / Prometheus Operator model', async () => {
    await validateAll(docs);
  });
  it('renders the expected kinds', () => {
    const kinds = docs.map((d) => d.kind).sort();
    assert.deepEqual(kinds, [
      'Deployment',
      'NetworkPolicy',
      'PodDisruptionBudget',
      'PrometheusRule',
      'ScaledObject',
      'Service',
      'ServiceAccount',
      'ServiceMonitor',
    ]);
  });
  it('runs restricted, with probes, resources and a long enough grace period', () => {
    const pod = assertRestrictedPod(assertDeploymentWiring(docs));
    assert.equal(pod.terminationGracePeriodSeconds, 35);
  });
  it('leaves replicas to the autoscaler', () => {
    assert.equal(one(docs, 'Deployment').spec.replicas, undefined);
  });
  it('reads the masking key from the existing Secret as a file', () => {
    const pod = podSpecOf(one(docs, 'Deployment'));
    const env = Object.fromEntries(pod.containers[0].env.map((e) => [e.name, e.value]));
    assert.equal(env.MASKING_KEY_FILE, '/var/run/secrets/login-pipeline/app/masking-key');
    assert.equal(env.LINEAGE_KEY_FILE, '/var/run/secrets/login-pipeline/app/lineage-key');
    assert.equal(pod.volumes.find((v) => v.name === 'app-secret').secret.secretName, 'login-processor-secrets');
    assert.equal(byKind(docs, 'Secret').length, 0, 'no Secret rendered when existingSecret is set');
    assert.equal(env.CONSUMER_GROUP, 'login-processor');
    assert.equal(env.INPUT_TOPIC, 'user-login');
  });
  it('ScaledObject: kafka trigger on group login-processor / topic user-login, string metadata, ≤ 3 replicas', () => {
    const so = one(docs, 'ScaledObject');
    const deployment = one(docs, 'Deployment');
    assert.equal(so.spec.scaleTargetRef.name, deployment.metadata.name);
    assert.equal(so.spec.scaleTargetRef.kind, 'Deployment');
    assert.ok(so.spec.maxReplicaCount <= PARTITIONS, 'maxReplicaCount ≤ partitions');
    assert.ok(so.spec.minReplicaCount >= 1 && so.spec.minReplicaCount <= so.spec.maxReplicaCount);
    assert.equal(so.spec.triggers.length, 1);
    const [trigger] = so.spec.triggers;
    assert.equal(trigger.type, 'kafka');
    assert.equal(trigger.metadata.consumerGroup, 'login-processor');
    assert.equal(trigger.metadata.topic, 'user-login');
    assert.equal(trigger.metadata.bootstrapServers, 'kafka:9092');
    assert.equal(trigger.metadata.lagThreshold, '1000');
    for (const [k, v] of Object.entries(trigger.metadata))
      assert.equal(typeof v, 'string', `trigger metadata ${k} is a string`);
    assert.equal(byKind(docs, 'HorizontalPodAutoscaler').length, 0, 'no HPA beside KEDA (KEDA owns one)');
  });
  it('PrometheusRule carries docker/prometheus/alerts.rules.yml verbatim', () => {
    const rule = one(docs, 'PrometheusRule');
    assert.deepEqual(rule.spec, rulesFile);
    const alerts = rule.spec.groups.flatMap((g) => g.rules.map((r) => r.alert));
    assert.deepEqual(alerts, [
      'LoginProcessorDown',
      'LoginProcessorConsumerLagHigh',
      'LoginProcessorDeadLetterRateHigh',
      'LoginProcessorNoOutput',
      'LoginProcessorEventLatencyHigh',
    ]);
  });
  it('ServiceMonitor scrapes /metrics of the Service and names the job login-processor', () => {
    const sm = one(docs, 'ServiceMonitor');
    assert.ok(matches(sm.spec.selector.matchLabels, one(docs, 'Service').metadata.labels));
    const [endpoint] = sm.spec.endpoints;
    assert.equal(endpoint.port, 'http');
    assert.equal(endpoint.path, '/metrics');
    assert.ok(endpoint.relabelings.some((r) => r.targetLabel === 'job' && r.replacement === 'login-processor'));
  });
  it('NetworkPolicy: ingress only on the http port, egress only DNS and Kafka', () => {
    const np = one(docs, 'NetworkPolicy');
    assert.ok(matches(np.spec.podSelector.matchLabels, podLabelsOf(one(docs, 'Deployment'))));
    assert.deepEqual(np.spec.policyTypes, ['Ingress', 'Egress']);
    assert.deepEqual(
      np.spec.ingress.flatMap((r) => r.ports.map((p) => p.port)),
      ['http'],
    );
    assert.deepEqual(np.spec.egress.flatMap((r) => r.ports.map((p) => p.port)).sort(), [53, 53, 9092, 9093]);
  });
});

describe('processor with autoscaling.mode=hpa: the plain HPA alternative', async () => {
  const docs = render('login-processor', [
    '-f',
    path.join(valuesDir, 'processor.yaml'),
    '--set',
    'autoscaling.mode=hpa',
  ]);
  it('validates and renders an HPA instead of a ScaledObject', async () => {
    await validateAll(docs);
    assert.equal(byKind(docs, 'ScaledObject').length, 0);
    const hpa = one(docs, 'HorizontalPodAutoscaler');
    assert.equal(hpa.spec.scaleTargetRef.name, one(docs, 'Deployment').metadata.name);
    assert.ok(hpa.spec.maxReplicas <= PARTITIONS);
  });
});

describe('processor with SASL/SCRAM, TLS and a chart-made Secret', async () => {
  const docs = render('login-processor', [
    '-f',
    path.join(valuesDir, 'processor.yaml'),
    '--set',
    'secrets.existingSecret=,secrets.maskingKey=test-only-key,secrets.lineageKey=test-only-lineage-key,secrets.saslPassword=test-only-password',
    '--set',
    'kafka.sasl.mechanism=scram-sha-512,kafka.sasl.username=login-processor',
    '--set',
    'kafka.ssl.enabled=true,kafka.ssl.secretName=kafka-ca',
  ]);
  it('validates, mounts the password and the CA as files, and authenticates the KEDA trigger', async () => {
    await validateAll(docs);
    const deployment = one(docs, 'Deployment');
    const pod = assertRestrictedPod(deployment);
    const env = Object.fromEntries(pod.containers[0].env.map((e) => [e.name, e.value]));
    assert.equal(env.KAFKA_SASL_MECHANISM, 'scram-sha-512');
    assert.equal(env.KAFKA_SASL_PASSWORD_FILE, '/var/run/secrets/login-pipeline/app/sasl-password');
    assert.equal(env.KAFKA_SSL_CA_FILE, '/var/run/secrets/login-pipeline/kafka-tls/ca.crt');
    const secret = one(docs, 'Secret');
    assert.deepEqual(Object.keys(secret.data).sort(), ['lineage-key', 'masking-key', 'sasl-password']);
    assert.ok(deployment.spec.template.metadata.annotations['checksum/secret'], 'pods roll when the Secret changes');
    const so = one(docs, 'ScaledObject');
    assert.equal(so.spec.triggers[0].metadata.sasl, 'scram_sha512');
    assert.equal(so.spec.triggers[0].metadata.tls, 'enable');
    const auth = one(docs, 'TriggerAuthentication');
    assert.equal(so.spec.triggers[0].authenticationRef.name, auth.metadata.name);
    assert.ok(
      auth.spec.secretTargetRef.some(
        (r) => r.parameter === 'password' && r.name === secret.metadata.name && r.key === 'sasl-password',
      ),
    );
  });
});

describe('generator (values/generator.yaml): Deployment', async () => {
  const docs = render('login-generator', ['-f', path.join(valuesDir, 'generator.yaml')]);
  it('validates, runs restricted, and has no autoscaler, Secret or alert rules', async () => {
    await validateAll(docs);
    const pod = assertRestrictedPod(assertDeploymentWiring(docs));
    assert.equal(one(docs, 'Deployment').spec.replicas, 1);
    for (const kind of ['ScaledObject', 'HorizontalPodAutoscaler', 'Secret', 'PrometheusRule', 'Job'])
      assert.equal(byKind(docs, kind).length, 0, kind);
    const env = Object.fromEntries(pod.containers[0].env.map((e) => [e.name, e.value]));
    assert.equal(env.GENERATOR_RATE, '50');
    assert.ok(!('MASKING_KEY_FILE' in env));
    assert.ok(!('LINEAGE_KEY_FILE' in env));
    assert.ok(
      byKind(docs, 'ServiceMonitor')[0].spec.endpoints[0].relabelings.some((r) => r.replacement === 'login-generator'),
    );
  });
});

describe('dlq-replayer (values/dlq-replayer.yaml): Job, or CronJob with a schedule', async () => {
  const job = render('login-dlq-replayer', ['-f', path.join(valuesDir, 'dlq-replayer.yaml')]);
  const cron = render('login-dlq-replayer', [
    '-f',
    path.join(valuesDir, 'dlq-replayer.yaml'),
    '--set',
    'dlqReplayer.schedule=*/30 * * * *',
  ]);
  it('renders a Job that never restarts in place', async () => {
    await validateAll(job);
    const j = one(job, 'Job');
    assert.equal(podSpecOf(j).restartPolicy, 'Never');
    assertRestrictedPod(j);
    assert.ok(j.spec.activeDeadlineSeconds > 0 && j.spec.backoffLimit >= 0);
    for (const kind of ['Deployment', 'Service', 'PodDisruptionBudget', 'CronJob', 'ScaledObject'])
      assert.equal(byKind(job, kind).length, 0, kind);
    const env = Object.fromEntries(podSpecOf(j).containers[0].env.map((e) => [e.name, e.value]));
    assert.equal(env.DLQ_TOPIC, 'user-login-dlq');
    assert.equal(env.INPUT_TOPIC, 'user-login');
    assert.equal(env.OUTPUT_TOPIC, 'processed-user-login');
    assert.equal(env.PARKED_TOPIC, 'user-login-dlq-parked');
    assert.deepEqual(podSpecOf(j).containers[0].args, ['replay'], 'the replayer is told its command');
    assert.equal(env.LINEAGE_KEY_FILE, '/var/run/secrets/login-pipeline/app/lineage-key', 'it signs the lineage');
    assert.equal(
      podSpecOf(j).volumes.find((v) => v.name === 'app-secret').secret.secretName,
      'login-dlq-replayer-secrets',
    );
  });
  it('renders a CronJob (concurrencyPolicy Forbid) when dlqReplayer.schedule is set', async () => {
    await validateAll(cron);
    const c = one(cron, 'CronJob');
    assert.equal(c.spec.schedule, '*/30 * * * *');
    assert.equal(c.spec.concurrencyPolicy, 'Forbid');
    assertRestrictedPod(c);
    assert.equal(byKind(cron, 'Job').length, 0);
  });
});

describe('bad values fail before anything is rendered', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'login-pipeline-values-'));
  const valuesFile = (name, text) => {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, text);
    return file;
  };
  const SCHEMA = /values don't meet the specifications of the schema/;
  const cases = [
    ['an unknown top-level key', ['--set', 'replicas=2'], SCHEMA],
    ['an unknown nested key (typo)', ['--set', 'kafka.broker=kafka:9092'], SCHEMA],
    ['an unknown key deep down', ['--set', 'autoscaling.keda.lagTreshold=100'], SCHEMA],
    ['maxReplicas above the 3 partitions', ['--set', 'autoscaling.maxReplicas=4'], SCHEMA],
    ['lagThreshold as a number (--set)', ['--set', 'autoscaling.keda.lagThreshold=100'], SCHEMA],
    [
      'lagThreshold as a number (values file)',
      ['-f', valuesFile('lag-number.yaml', 'autoscaling:\n  keda:\n    lagThreshold: 100\n')],
      SCHEMA,
    ],
    ['an unknown app', ['--set', 'app=worker'], SCHEMA],
    ['a processor without a masking key', ['--set', 'secrets.existingSecret='], SCHEMA],
    ['a secret as a plain env value', ['--set-string', 'env.MASKING_KEY=abc'], SCHEMA],
    ['the lineage key as a plain env value', ['--set-string', 'env.LINEAGE_KEY=abc'], SCHEMA],
    ['a lower-case env name', ['--set-string', 'env.log_level=debug'], SCHEMA],
    ['a grace period not longer than the app shutdown grace', ['--set', 'terminationGracePeriodSeconds=25'], SCHEMA],
    ['SASL without a username', ['--set', 'kafka.sasl.mechanism=plain'], SCHEMA],
    ['an unknown SASL mechanism', ['--set', 'kafka.sasl.mechanism=gssapi,kafka.sasl.username=u'], SCHEMA],
    ['a number where the schema wants a boolean', ['--set', 'networkPolicy.enabled=1'], SCHEMA],
    [
      'a cleartext SASL password without its acknowledgement',
      [
        '--set',
        'kafka.sasl.mechanism=plain,kafka.sasl.username=u',
        '--set-string',
        'env.KAFKA_SASL_ALLOW_PLAINTEXT=true',
      ],
      SCHEMA,
    ],
    [
      'a cleartext SASL password written as Yes, without its acknowledgement',
      ['--set-string', 'env.KAFKA_SASL_ALLOW_PLAINTEXT= Yes'],
      SCHEMA,
    ],
    ['maxReplicas above topics.partitions', ['--set', 'topics.partitions=2'], /must not exceed topics\.partitions/],
    ['TLS without its CA Secret', ['--set', 'kafka.ssl.enabled=true'], /kafka\.ssl\.secretName/],
  ];
  for (const [what, args, expected] of cases) {
    it(`rejects ${what}`, () => {
      const res = helmTemplate('bad', ['-f', path.join(valuesDir, 'processor.yaml'), ...args]);
      assert.equal(res.ok, false, `helm accepted ${args.join(' ')}`);
      assert.match(res.stderr, expected);
    });
  }
  it('accepts a cleartext SASL password once acknowledged, and an explicit false without', () => {
    const sasl = ['--set', 'kafka.sasl.mechanism=plain,kafka.sasl.username=u'];
    for (const args of [
      [
        ...sasl,
        '--set-string',
        'env.KAFKA_SASL_ALLOW_PLAINTEXT=true',
        '--set',
        'kafka.sasl.acceptCleartextPassword=true',
      ],
      [...sasl, '--set-string', 'env.KAFKA_SASL_ALLOW_PLAINTEXT=false'],
    ]) {
      const res = helmTemplate('ok', ['-f', path.join(valuesDir, 'processor.yaml'), ...args]);
      assert.equal(res.ok, true, res.stderr);
    }
  });
  // The other apps' values files, each with one way to break it.
  const appCases = [
    [
      'autoscaling for an app other than the processor',
      'generator.yaml',
      ['--set', 'autoscaling.enabled=true'],
      SCHEMA,
    ],
    ['a replayer without a lineage key', 'dlq-replayer.yaml', ['--set', 'secrets.existingSecret='], SCHEMA],
    ['a replayer without its command', 'dlq-replayer.yaml', ['--set', 'args=null'], /needs its command/],
    [
      'alert rules outside the processor release',
      'generator.yaml',
      ['--set', 'prometheusRule.enabled=true'],
      /alert rules are about the processor/,
    ],
  ];
  for (const [what, values, args, expected] of appCases) {
    it(`rejects ${what}`, () => {
      const res = helmTemplate('bad', ['-f', path.join(valuesDir, values), ...args]);
      assert.equal(res.ok, false, `helm accepted ${args.join(' ')}`);
      assert.match(res.stderr, expected);
    });
  }
});
