// The replayer's process wiring: signals and the exit code; app.ts parses the command line and runs the command.
import { EXIT } from '@login/config';
import { runProcess } from '@login/observability';
import { runCli } from './app';

void runProcess((context) => runCli(process.argv.slice(2), process.env, context), {
  crashed: (error) => {
    process.stderr.write(
      `dlq-replayer: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT.failure;
  },
});
