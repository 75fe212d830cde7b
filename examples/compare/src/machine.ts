// The facts about this Node machine that a report records (CPU, cores, memory, GPU, load).
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { MachineFacts } from './report.ts';

/**
 * The NVIDIA GPUs `nvidia-smi` lists (where onnxruntime-node's CUDA provider and tfjs-node-gpu
 * would run), joined with `' + '`; null when there is no `nvidia-smi` or it lists none.
 */
export function nvidiaGpus(): string | null {
  try {
    const out = execFileSync('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], {
      encoding: 'utf8',
      timeout: 5000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const names = out
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    return names.length > 0 ? names.join(' + ') : null;
  } catch {
    return null;
  }
}

/**
 * CPU, cores, memory, OS, Node version and NVIDIA GPU of this machine, plus its load when the run
 * started.
 */
export function nodeMachineFacts(): MachineFacts {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() || 'unknown',
    cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    memoryGB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: process.platform,
    arch: process.arch,
    nodeVersion: process.version,
    gpu: nvidiaGpus(),
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
