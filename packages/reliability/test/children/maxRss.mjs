// Preloaded with `node --import` into a CLI run: prints the process's peak resident memory
// (kB, as process.resourceUsage reports it) on stderr as it exits, for the memory-bound case.
import { writeSync } from 'node:fs';

process.on('exit', () => writeSync(2, `maxrss ${process.resourceUsage().maxRSS}\n`));
