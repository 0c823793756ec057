// The generator's process wiring: signals and the exit code; app.ts parses the command line and runs.
import { EXIT } from '@login/config';
import { runProcess } from '@login/observability';
import { runCli } from './app';

const GRACE_MS = 20_000; // shorter than Kubernetes' default 30 s termination grace period

void runProcess(
  async ({ stop, onStopSignals }) => {
    // Installed before parsing, as always: a signal during the run stops it gracefully.
    onStopSignals({
      stopNow: (signal) => {
        process.stderr.write(`\ngenerator: ${signal} again: exiting without waiting for in-flight batches\n`);
        return EXIT.interrupted;
      },
      deadline: {
        ms: GRACE_MS,
        onElapsed: () => {
          process.stderr.write(`generator: in-flight batches not flushed within ${GRACE_MS / 1000} s: exiting\n`);
          return EXIT.failure;
        },
      },
    });
    const io = { argv: process.argv.slice(2), env: process.env, stdout: process.stdout, stderr: process.stderr };
    return (await runCli({ ...io, signal: stop })).exitCode;
  },
  {
    crashed: (error) => {
      process.stderr.write(`generator: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      return EXIT.failure;
    },
    // Not process.exit: a dry run's records may still be on their way through a pipe; Node exits once written.
    end: (code) => {
      process.exitCode = code;
    },
  },
);
