// The kafka-streams variant's build: tools/bench/kafka-streams/ (a pom.xml for the jars, one Java source) compiled
// once into a cache outside git, keyed by a hash of the pom and the sources, so an edit rebuilds and an unchanged
// tree runs offline. Maven only copies the dependencies (as tools/kafka does for the broker); the JDK's javac
// compiles, so no Maven build plugin has to be fetched.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { cacheBase } from '../../kafka/lib/install.mjs';
import { log } from './log.mjs';
import { benchDir } from './runtime.mjs';

export const streamsDir = path.join(benchDir, 'kafka-streams');
export const STREAMS_MAIN_CLASS = 'dev.loginpipeline.bench.LoginStreams';

/** pom.xml and every file under src/, in a stable order. */
function sourceFiles() {
  const files = [path.join(streamsDir, 'pom.xml')];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(path.join(streamsDir, 'src'));
  return files;
}

function sourceHash(files) {
  const h = crypto.createHash('sha256');
  for (const f of files) h.update(path.relative(streamsDir, f)).update('\0').update(fs.readFileSync(f)).update('\0');
  return h.digest('hex').slice(0, 16);
}

/** The first problem with a tool the build or the run needs, or undefined. */
function missingTool() {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.error) return 'java is not on PATH';
  const m = /version "(\d+)/.exec(java.stderr);
  if (m && Number(m[1]) < 17) return `java ${m[1]} found; Kafka Streams 4 needs Java 17 or newer`;
  if (spawnSync('javac', ['-version'], { encoding: 'utf8' }).error) return 'javac (a JDK) is not on PATH';
  if (spawnSync('mvn', ['-v'], { encoding: 'utf8' }).error) return 'Maven (mvn) is not on PATH';
  return undefined;
}

/**
 * The classpath of the built Streams app, building it first if this tree's sources have not been built yet.
 * Throws with a one-line reason when it cannot be built (no JDK or Maven, Maven Central unreachable, a compile error).
 */
export function ensureStreamsApp() {
  const files = sourceFiles();
  const dir = path.join(cacheBase(), `bench-kafka-streams-${sourceHash(files)}`);
  const libs = path.join(dir, 'libs');
  const classes = path.join(dir, 'classes');
  const classpath = `${classes}${path.delimiter}${path.join(libs, '*')}`;
  if (fs.existsSync(path.join(dir, 'complete'))) return classpath;
  const missing = missingTool();
  if (missing) throw new Error(missing);
  log(
    `building the kafka-streams variant (tools/bench/kafka-streams) into ${dir}: Maven fetches its jars, javac compiles`,
  );
  fs.rmSync(dir, { recursive: true, force: true });
  const mvn = spawnSync(
    'mvn',
    [
      '-q',
      '-B',
      '-Dstyle.color=never',
      '-f',
      path.join(streamsDir, 'pom.xml'),
      'dependency:copy-dependencies',
      `-DoutputDirectory=${libs}`,
      '-DincludeScope=runtime',
    ],
    { encoding: 'utf8', timeout: 600_000 },
  );
  if (mvn.status !== 0) {
    const why = `${mvn.stdout ?? ''}${mvn.stderr ?? ''}`.split('\n').find((l) => l.includes('[ERROR]')) ?? '';
    throw new Error(`mvn dependency:copy-dependencies failed (exit ${mvn.status ?? mvn.signal}) ${why.trim()}`.trim());
  }
  const javac = spawnSync(
    'javac',
    ['--release', '17', '-d', classes, '-cp', path.join(libs, '*'), ...files.filter((f) => f.endsWith('.java'))],
    { encoding: 'utf8', timeout: 300_000 },
  );
  if (javac.status !== 0) {
    const first = (javac.stderr ?? '').split('\n').slice(0, 2).join(' / ');
    throw new Error(`javac failed: ${first.replaceAll(`${streamsDir}${path.sep}`, '')}`);
  }
  fs.writeFileSync(path.join(dir, 'complete'), new Date().toISOString());
  log('kafka-streams variant built');
  return classpath;
}
