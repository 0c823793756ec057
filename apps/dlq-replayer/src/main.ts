// wiring comes with its issue
process.stdout.write('dlq-replayer: not implemented yet\n');
