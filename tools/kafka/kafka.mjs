#!/usr/bin/env node
// A real Apache Kafka (KRaft) for development, tests, the benchmark and CI.
// Jars come from Maven Central (tools/kafka/pom.xml) into a cache outside git; data and logs live in
// tools/kafka/.run, or .run-<port> for another port (ignored). Processes are tracked by pid file and stopped by pid, never by name.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_PORT_OFFSET } from './proxy.mjs';
import { down, up } from './lib/cluster.mjs';
import { cacheDir, ensureJars } from './lib/install.mjs';
import { release, setLeaseStarted } from './lib/leases.mjs';
import { killNode, signalNode, startNode, stopNode } from './lib/nodes.mjs';
import { brokerAnswers } from './lib/probe.mjs';
import { logTail, readState } from './lib/processes.mjs';
import { BASE_PORT, checkSettings, CONTROLLER_PORT_OFFSET, log, runDir, UsageError } from './lib/settings.mjs';
import { clusterStatus, formatStatus } from './lib/status.mjs';
import { createTopics, TOPICS } from './lib/topics.mjs';

// The programmatic API of tools/kafka (tools/scripts, tools/soak, docker/verify and the tests import it from here):
// one module per concern under lib/, this file only the command line over them.
export { down, up } from './lib/cluster.mjs';
export { cacheDir, ensureJars } from './lib/install.mjs';
export { release, setLeaseStartedFor } from './lib/leases.mjs';
export { kafkaUuid } from './lib/node-config.mjs';
export { killNode, signalNode, startNode, stopNode } from './lib/nodes.mjs';
export { brokerAnswers, probe, withConnected } from './lib/probe.mjs';
export { bootstrap } from './lib/processes.mjs';
export { ConflictError, loopbackPort, resolveBasePort } from './lib/settings.mjs';
export { clusterStatus, formatStatus } from './lib/status.mjs';
export { createTopics, TOPIC_CONFIGS, TOPICS } from './lib/topics.mjs';

const HELP = `Usage: node tools/kafka/kafka.mjs <command> [options]

A local Apache Kafka (KRaft mode) from Maven Central, for development, tests and CI.

Commands:
  up [--brokers N] [--proxy]
                          start (or reuse) a cluster on 127.0.0.1:${BASE_PORT}.. ; returns when clients can produce
                          and consume; prints the bootstrap address. N = 1 (default) or 3. --proxy puts
                          toxiproxy (built with Go on first use) in front of every broker: clients connect
                          through it, its API on port ${BASE_PORT + API_PORT_OFFSET} adds latency, cuts, bandwidth limits
  down [--purge]          stop exactly what \`up\` started (by pid file); --purge also deletes data and logs
  status                  each node with its pid and whether it is up, and the bootstrap address; exits non-zero
                          unless every node is up
  node stop|kill|start ID one node of the cluster, for fault tests: stop = SIGTERM (controlled shutdown), kill =
                          SIGKILL (a crash), both return when the process is gone; start returns when the node
                          is back in the cluster and serving (listed as a live broker, in the ISR of its
                          partitions, answering for those it leads)
  node freeze|thaw ID     SIGSTOP / SIGCONT one node: frozen, it holds its connections and answers nothing
  node status             the same as status
  topics [--partitions N] [--replication-factor N] [--brokers LIST]
                          create ${TOPICS.join(', ')} (safe to rerun)
  logs [--node N]         print the tail of a node's broker log
  fetch                   only download the jars into the cache
  probe ADDRESSES          exits 0 when a Kafka broker answers at ADDRESSES (host:port,...) within a few seconds, 1
                          when none does
  lease --holder PID | release --holder PID
                          used by the Jest global setup to share one broker between test processes

Options:
  --json                  machine-readable output on stdout
  -h, --help              this text

Environment: LOCAL_KAFKA_PORT (first broker port; controllers use port + ${CONTROLLER_PORT_OFFSET}; without it the port of
KAFKA_BROKERS when that names 127.0.0.1:PORT or localhost:PORT, else 9092), LOCAL_KAFKA_RUN_DIR (data and logs;
default tools/kafka/.run for port 9092, tools/kafka/.run-PORT for another port), LOCAL_KAFKA_CACHE (jar cache),
LOCAL_KAFKA_HEAP (broker heap, default 768m).
Files: jars in ${cacheDir()}, data and logs in ${runDir}.
Data is kept between down and up (same layout); \`down --purge\` or a different --brokers starts fresh.`;

function parseArgs(argv) {
  const [command, ...rest] = argv[0]?.startsWith('-') ? [undefined, ...argv] : argv;
  const opts = { json: false, args: [] };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const next = () => {
      const v = rest[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    const positiveInt = (v, name) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer, got "${v}"`);
      return n;
    };
    if (a === '--json') opts.json = true;
    else if (a === '--purge') opts.purge = true;
    else if (a === '--proxy') opts.proxy = true;
    else if (a === '-h' || a === '--help') opts.help = true;
    else if (a === '--brokers') {
      const v = next();
      if (command === 'topics' && !/^\d+$/.test(v)) opts.bootstrap = v;
      else {
        const n = positiveInt(v, '--brokers');
        if (n !== 1 && n !== 3) throw new UsageError('--brokers must be 1 or 3');
        opts.brokers = n;
      }
    } else if (a === '--partitions') opts.partitions = positiveInt(next(), '--partitions');
    else if (a === '--replication-factor') opts.replicationFactor = positiveInt(next(), '--replication-factor');
    else if (a === '--node') opts.node = positiveInt(next(), '--node');
    else if (a === '--holder') opts.holder = positiveInt(next(), '--holder');
    else if ((command === 'node' || command === 'probe') && !a.startsWith('-')) opts.args.push(a);
    else throw new UsageError(`unknown option ${a}`);
  }
  return { command, opts };
}

async function main(argv) {
  const { command, opts } = parseArgs(argv);
  checkSettings();
  const print = (obj, text) => process.stdout.write(opts.json ? `${JSON.stringify(obj)}\n` : `${text}\n`);
  if (opts.help || command === undefined || command === 'help') {
    process.stdout.write(`${HELP}\n`);
    return command === undefined && !opts.help ? 2 : 0;
  }
  // Own properties only: `constructor` or `toString` is an unknown command, not an inherited function.
  if (!Object.hasOwn(COMMANDS, command)) throw new UsageError(`unknown command "${command}"`);
  return COMMANDS[command](opts, print, command);
}

/** Each command: (options, print, its own name) → the exit code. */
const COMMANDS = {
  fetch: (opts, print) => {
    print({ libs: ensureJars() }, ensureJars());
    return 0;
  },
  up: upCommand,
  lease: upCommand,
  release: releaseCommand,
  down: downCommand,
  status: statusCommand,
  node: nodeCommand,
  probe: probeCommand,
  topics: topicsCommand,
  logs: logsCommand,
};

/** `up`, or `lease`: the same start, on behalf of a test process that will `release` it. */
async function upCommand(opts, print, command) {
  const holder = command === 'lease' ? opts.holder : undefined;
  if (command === 'lease' && !holder) throw new UsageError('lease needs --holder PID');
  const res = await up({ brokers: opts.brokers ?? 1, proxy: opts.proxy ?? false, lease: holder });
  // Whoever started it decides: a lease holder's start is stopped by the last release; a plain `up` is kept.
  if (res.started || command === 'up') setLeaseStarted(command === 'lease');
  log(res.started ? `Kafka ${res.version} is up` : `Kafka ${res.version} was already running`);
  if (res.proxy) log(`clients connect through toxiproxy; add toxics at ${res.proxy.api}`);
  print(res, res.bootstrap);
  return 0;
}

async function releaseCommand(opts, print) {
  if (!opts.holder) throw new UsageError('release needs --holder PID');
  const res = await release(opts.holder);
  print(res, res.stopped ? 'stopped' : 'still in use or not ours to stop');
  return 0;
}

async function downCommand(opts, print) {
  const res = await down({ purge: opts.purge });
  log(res.stopped ? `stopped ${res.stopped} node(s)` : 'nothing of ours was running');
  print(res, String(res.stopped));
  return 0;
}

/** Exits non-zero unless every node is up, so scripts can wait on it. */
async function statusCommand(opts, print) {
  const res = await clusterStatus();
  print(res, formatStatus(res));
  return res.running ? 0 : 1;
}

async function probeCommand(opts, print) {
  if (opts.args.length !== 1) throw new UsageError('probe needs one argument: host:port[,host:port...]');
  const answers = await brokerAnswers(opts.args[0]);
  print({ answers }, answers ? `a broker answers at ${opts.args[0]}` : `no broker answers at ${opts.args[0]}`);
  return answers ? 0 : 1;
}

async function topicsCommand(opts, print) {
  const brokers = opts.bootstrap ?? process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
  const res = await createTopics({
    brokers,
    partitions: opts.partitions,
    replicationFactor: opts.replicationFactor,
  });
  print(
    res,
    res.map((t) => `${t.topic}: ${t.partitions} partitions${t.created ? ' (created)' : ' (exists)'}`).join('\n'),
  );
  return 0;
}

function logsCommand(opts) {
  const state = readState();
  const node = state?.nodes.find((n) => n.id === (opts.node ?? 1));
  if (!node) throw new UsageError('no such node (is the cluster set up?)');
  process.stdout.write(`${logTail(node, 100)}\n`);
  return 0;
}

const SIGNAL_ACTIONS = new Set(['freeze', 'thaw']);
const NODE_ACTIONS = { stop: (id) => stopNode(id), kill: (id) => killNode(id), start: (id) => startNode(id) };

async function nodeCommand(opts, print) {
  const [action, id, ...extra] = opts.args;
  if (action === 'status' && id === undefined) return statusCommand(opts, print);
  if (!NODE_ACTIONS[action] && !SIGNAL_ACTIONS.has(action))
    throw new UsageError('node needs an action: stop ID, kill ID, start ID, freeze ID, thaw ID or status');
  if (!/^\d+$/.test(id ?? '') || extra.length)
    throw new UsageError(`node ${action} needs one node id, e.g. \`node ${action} 2\``);
  if (SIGNAL_ACTIONS.has(action)) {
    const res = await signalNode(Number(id), action);
    log(`node ${res.id} (pid ${res.pid}) is ${res.frozen ? 'frozen (SIGSTOP)' : 'running again (SIGCONT)'}`);
    print(res, `node ${res.id}: ${res.frozen ? 'frozen' : 'thawed'}`);
    return 0;
  }
  const res = await NODE_ACTIONS[action](Number(id));
  const done = action === 'start' ? res.started : res.stopped;
  const how =
    action === 'start'
      ? 'back in the cluster'
      : res.forced
        ? 'gone (it ignored SIGTERM: killed)'
        : `gone (${res.signal})`;
  log(
    done
      ? `node ${res.id} (pid ${res.pid}) is ${how} after ${res.ms} ms`
      : `node ${res.id} was already ${action === 'start' ? 'running' : 'stopped'}`,
  );
  print(
    res,
    done
      ? `node ${res.id}: ${action === 'start' ? 'started' : 'stopped'} in ${res.ms} ms`
      : `node ${res.id}: nothing to do`,
  );
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      if (err instanceof UsageError) {
        process.stderr.write(`kafka: ${err.message}\nRun with --help for usage.\n`);
        process.exit(2);
      }
      process.stderr.write(`kafka: ${err.message}\n`);
      process.exit(1);
    },
  );
}
