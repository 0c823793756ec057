// Download and install: the Kafka jars from Maven Central (tools/kafka/pom.xml) into a cache outside git.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { log, toolDir } from './settings.mjs';

export function kafkaVersion() {
  const pom = fs.readFileSync(path.join(toolDir, 'pom.xml'), 'utf8');
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom);
  if (!match) throw new Error('tools/kafka/pom.xml has no <kafka.version>');
  return match[1];
}

export function cacheBase() {
  return (
    process.env.LOCAL_KAFKA_CACHE ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'login-pipeline')
  );
}

export function cacheDir() {
  return path.join(cacheBase(), `kafka-${kafkaVersion()}`);
}

export function checkPrerequisites() {
  const missing = [];
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.error) missing.push('java (OpenJDK 17 or newer) is not on PATH');
  else {
    const m = /version "(\d+)/.exec(java.stderr);
    if (m && Number(m[1]) < 17) missing.push(`java ${m[1]} found; Kafka 4 needs Java 17 or newer`);
  }
  return missing;
}

export function ensureJars() {
  const dir = cacheDir();
  const libs = path.join(dir, 'libs');
  const marker = path.join(dir, 'complete');
  if (fs.existsSync(marker)) return libs;
  const mvn = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (mvn.error)
    throw new Error('Maven (mvn) is not on PATH: it fetches Apache Kafka from Maven Central the first time');
  log(`fetching Apache Kafka ${kafkaVersion()} from Maven Central into ${libs} (first run only)`);
  fs.rmSync(libs, { recursive: true, force: true });
  const res = spawnSync(
    'mvn',
    [
      '-q',
      '-B',
      '-Dstyle.color=never',
      '-f',
      path.join(toolDir, 'pom.xml'),
      'dependency:copy-dependencies',
      `-DoutputDirectory=${libs}`,
      '-DincludeScope=runtime',
    ],
    // Maven's output goes to stderr: stdout carries only our answer (e.g. --json).
    { stdio: ['ignore', 2, 'inherit'] },
  );
  if (res.status !== 0) throw new Error(`mvn dependency:copy-dependencies failed (exit ${res.status})`);
  fs.writeFileSync(marker, new Date().toISOString());
  return libs;
}
