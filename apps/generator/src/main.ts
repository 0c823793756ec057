// wiring comes with its issue
process.stdout.write('generator: not implemented yet\n');
