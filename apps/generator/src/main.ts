// The generator's entry point: wiring only. Signals become an AbortSignal; runCli does the rest.
import { runCli } from './app';

const GRACE_MS = 20_000; // shorter than Kubernetes' default 30 s termination grace period

const stop = new AbortController();
let signals = 0;
const onSignal = (signal: NodeJS.Signals) => {
  signals += 1;
  if (signals > 1) {
    process.stderr.write(`\ngenerator: ${signal} again: exiting without waiting for in-flight batches\n`);
    process.exit(130);
  }
  stop.abort();
  setTimeout(() => {
    process.stderr.write(`generator: in-flight batches not flushed within ${GRACE_MS / 1000} s: exiting\n`);
    process.exit(1);
  }, GRACE_MS).unref();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

runCli({ argv: process.argv.slice(2), env: process.env, stdout: process.stdout, stderr: process.stderr, signal: stop.signal }).then(
  ({ exitCode }) => {
    process.exitCode = exitCode;
  },
  (error: unknown) => {
    process.stderr.write(`generator: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
