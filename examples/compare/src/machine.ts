// The facts about this Node machine that a report records (CPU, cores, memory, load).
import os from 'node:os';
import type { MachineFacts } from './report.ts';

/** CPU, cores, memory, OS and Node version of this machine, plus its load when the run started. */
export function nodeMachineFacts(): MachineFacts {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() || 'unknown',
    cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    memoryGB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: process.platform,
    arch: process.arch,
    nodeVersion: process.version,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
