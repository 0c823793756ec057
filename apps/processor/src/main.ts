// wiring comes with its issue
process.stdout.write('processor: not implemented yet\n');
