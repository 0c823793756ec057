// Each node's configuration: layout, server.properties, log4j, the JVM command line and KRaft storage format.
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { REPLICATION_PORT_OFFSET, UPSTREAM_PORT_OFFSET } from '../proxy.mjs';
import { BASE_PORT, CONTROLLER_PORT_OFFSET, runDir } from './settings.mjs';

/**
 * A Kafka Uuid as Kafka's own `Uuid.randomUuid()` makes it: a version-4 UUID in URL-safe base64 without padding,
 * never one that starts with '-' (kafka-storage would take `--cluster-id -abc…` for an option: 1 draw in 64).
 * The version bits keep the high 64 bits non-zero, so it is never one of the reserved ids (Uuid 0 and 1, and the
 * directory ids below 100 that `DirectoryId.random()` skips). `random` is injectable for tests.
 */
export function kafkaUuid(random = randomBytes) {
  for (;;) {
    const bytes = Buffer.from(random(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // IETF variant
    const id = bytes.toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/**
 * `port` is where clients connect. Behind the proxy the broker itself listens for clients on `listenPort` and for
 * the other brokers on `replicationPort`; without it both are `port`.
 */
export function nodeLayout(brokers, proxy = false) {
  return Array.from({ length: brokers }, (_, i) => {
    const port = BASE_PORT + i;
    return {
      id: i + 1,
      port,
      listenPort: proxy ? port + UPSTREAM_PORT_OFFSET : port,
      replicationPort: proxy ? port + REPLICATION_PORT_OFFSET : port,
      controllerPort: port + CONTROLLER_PORT_OFFSET,
      dir: path.join(runDir, `node-${i + 1}`),
      directoryId: kafkaUuid(),
    };
  });
}

/** The listener lines of server.properties; a proxied broker advertises the proxy's port to clients. */
function listenerProperties(node) {
  const controller = `CONTROLLER://127.0.0.1:${node.controllerPort}`;
  if (node.replicationPort === node.listenPort) {
    return [
      `listeners=PLAINTEXT://127.0.0.1:${node.port},${controller}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${node.port},${controller}`,
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'inter.broker.listener.name=PLAINTEXT',
    ];
  }
  const replication = `REPLICATION://127.0.0.1:${node.replicationPort}`;
  return [
    `listeners=PLAINTEXT://127.0.0.1:${node.listenPort},${replication},${controller}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${node.port},${replication},${controller}`,
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,REPLICATION:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=REPLICATION',
  ];
}

export function serverProperties(node, nodes) {
  const rf = Math.min(3, nodes.length);
  const voters = nodes.map((n) => `127.0.0.1:${n.controllerPort}`).join(',');
  return [
    `node.id=${node.id}`,
    'process.roles=broker,controller',
    ...listenerProperties(node),
    'controller.listener.names=CONTROLLER',
    `controller.quorum.bootstrap.servers=${voters}`,
    `log.dirs=${path.join(node.dir, 'data')}`,
    'num.partitions=3',
    `default.replication.factor=${rf}`,
    `min.insync.replicas=${rf > 1 ? 2 : 1}`,
    `offsets.topic.replication.factor=${rf}`,
    'offsets.topic.num.partitions=10',
    `transaction.state.log.replication.factor=${rf}`,
    `transaction.state.log.min.isr=${rf > 1 ? 2 : 1}`,
    `share.coordinator.state.topic.replication.factor=${rf}`,
    `share.coordinator.state.topic.min.isr=${rf > 1 ? 2 : 1}`,
    // Topics are created on purpose (npm run kafka:topics, test helpers), never by a typo.
    'auto.create.topics.enable=false',
    // Development broker: join groups at once instead of waiting for more members.
    'group.initial.rebalance.delay.ms=0',
    'log.retention.hours=24',
    'log.segment.bytes=104857600',
    '',
  ].join('\n');
}

export function log4jConfig(node) {
  const file = path.join(node.dir, 'logs', 'server.log');
  return [
    'status = warn',
    'appender.file.type = RollingFile',
    'appender.file.name = FILE',
    `appender.file.fileName = ${file}`,
    `appender.file.filePattern = ${file}.%i`,
    'appender.file.layout.type = PatternLayout',
    'appender.file.layout.pattern = [%d] %p %m (%c)%n',
    'appender.file.policies.type = Policies',
    'appender.file.policies.size.type = SizeBasedTriggeringPolicy',
    'appender.file.policies.size.size = 20MB',
    'appender.file.strategy.type = DefaultRolloverStrategy',
    'appender.file.strategy.max = 3',
    'rootLogger.level = INFO',
    'rootLogger.appenderRef.file.ref = FILE',
    'logger.kafka.name = kafka',
    'logger.kafka.level = INFO',
    'logger.apache.name = org.apache.kafka',
    'logger.apache.level = INFO',
    '',
  ].join('\n');
}

export function javaArgs(libs, node, mainClass, extra) {
  const heap = process.env.LOCAL_KAFKA_HEAP ?? '768m';
  return [
    `-Xms256m`,
    `-Xmx${heap}`,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${path.join(node.dir, 'log4j2.properties')}`,
    `-Dkafka.logs.dir=${path.join(node.dir, 'logs')}`,
    // Marks the process as ours: `down` checks the pid's command line for it before signalling.
    `-Dlocal.kafka.run.dir=${runDir}`,
    '-cp',
    path.join(libs, '*'),
    mainClass,
    ...extra,
  ];
}

export function formatStorage(libs, nodes, clusterId) {
  const initialControllers = nodes.map((n) => `${n.id}@127.0.0.1:${n.controllerPort}:${n.directoryId}`).join(',');
  for (const node of nodes) {
    const quorumArgs = nodes.length === 1 ? ['--standalone'] : ['--initial-controllers', initialControllers];
    const res = spawnSync(
      'java',
      javaArgs(libs, node, 'kafka.tools.StorageTool', [
        'format',
        '--cluster-id',
        clusterId,
        '--config',
        path.join(node.dir, 'server.properties'),
        ...quorumArgs,
      ]),
      { encoding: 'utf8' },
    );
    if (res.status !== 0)
      throw new Error(`StorageTool format failed for node ${node.id}:\n${res.stdout}\n${res.stderr}`);
  }
}
