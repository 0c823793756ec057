// The processor's process wiring: configuration, signals and the exit code; app.ts runs the service.
import { EXIT, loadConfigOrExit } from '@login/config';
import { runProcess } from '@login/observability';
import { run } from './app';
import { processorConfigSpec } from './config';

void runProcess((context) => run(loadConfigOrExit(processorConfigSpec), context), {
  // A bug, not an operating condition: the stack, as Node prints an unhandled rejection, and exit 1.
  crashed: (error) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT.failure;
  },
});
