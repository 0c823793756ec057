// What the chunk specs (chunk-pipeline, chunk-retry) both watch: every log line, and a readiness tracker of a
// started, joined runner whose every change is recorded, so a test sees a partition go not ready and back.
import { ReadinessTracker } from '../consumer/readiness';
import type { LoggerLike } from '../options';

export type LogLine = [level: string, message: string, meta: Record<string, unknown>];

export function recordingLogger(): { logger: LoggerLike; logs: LogLine[] } {
  const logs: LogLine[] = [];
  const at = (level: string) => (message: string, meta?: object) =>
    logs.push([level, message, (meta ?? {}) as Record<string, unknown>]);
  return { logger: { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') }, logs };
}

export function joinedReadiness(): {
  readiness: ReadinessTracker;
  readinessChanges: Array<[boolean, string | undefined]>;
} {
  const readinessChanges: Array<[boolean, string | undefined]> = [];
  const readiness = new ReadinessTracker({
    producerConnected: () => true,
    onChange: (ready, reason) => readinessChanges.push([ready, reason]),
  });
  readiness.setStarted(true);
  readiness.setJoined(true);
  return { readiness, readinessChanges };
}
