// The generator's entry point: wiring only. Signals become an AbortSignal; runCli does the rest.
import { EXIT } from '@login/config';
import { onStopSignals } from '@login/observability';
import { runCli } from './app';

const GRACE_MS = 20_000; // shorter than Kubernetes' default 30 s termination grace period

const stop = new AbortController();
onStopSignals({
  stopping: () => stop.signal.aborted,
  stop: () => stop.abort(),
  stopNow: (signal) => {
    process.stderr.write(`\ngenerator: ${signal} again: exiting without waiting for in-flight batches\n`);
    process.exit(EXIT.interrupted);
  },
  deadline: {
    ms: GRACE_MS,
    onElapsed: () => {
      process.stderr.write(`generator: in-flight batches not flushed within ${GRACE_MS / 1000} s: exiting\n`);
      process.exit(EXIT.failure);
    },
  },
});

runCli({
  argv: process.argv.slice(2),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  signal: stop.signal,
}).then(
  ({ exitCode }) => {
    process.exitCode = exitCode;
  },
  (error: unknown) => {
    process.stderr.write(`generator: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = EXIT.failure;
  },
);
