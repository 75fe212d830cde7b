// PyTorch for the training bench: the same architectures in a child /usr/bin/python3 (torch_train.py) on the bench's images.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type DatasetSplit, toFloat32 } from '@fmnist/core';
import { writeFileAtomically } from '@fmnist-examples/baseline-kit/node';

const here = path.dirname(fileURLToPath(import.meta.url));
const run = promisify(execFile);

/** One PyTorch run: its version, the threads it used, samples/s per model. */
export interface TorchRun {
  torch: string;
  threads: number;
  rows: Record<string, { samplesPerSecond: number }>;
}

/** Trains `models` in PyTorch with `threads` threads for `seconds` each; a string says why not. */
export type TorchRunner = (threads: number) => Promise<TorchRun | string>;

/**
 * A runner over `pool` (written once as float32 images and uint8 labels to a temporary folder,
 * which `close` removes), or a string saying why PyTorch cannot run here.
 */
export async function torchRunner(
  pool: DatasetSplit,
  options: { batchSize: number; seconds: number; models: readonly string[] },
): Promise<{ run: TorchRunner; close(): Promise<void> } | string> {
  try {
    await run('/usr/bin/python3', ['-c', 'import torch, numpy']);
  } catch {
    return 'PyTorch: not installed (/usr/bin/python3 cannot import torch and numpy; Debian: apt-get install python3-torch)';
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tfjs-bench-'));
  const data = path.join(dir, 'images.f32');
  const labels = path.join(dir, 'labels.u8');
  const images = toFloat32(pool.images);
  await writeFileAtomically(
    data,
    new Uint8Array(images.buffer, images.byteOffset, images.byteLength),
  );
  await writeFileAtomically(labels, pool.labels);
  const train: TorchRunner = async (threads) => {
    try {
      const { stdout } = await run(
        '/usr/bin/python3',
        [
          path.join(here, 'torch_train.py'),
          data,
          labels,
          String(pool.count),
          String(threads),
          String(options.batchSize),
          String(options.seconds),
          options.models.join(','),
        ],
        { maxBuffer: 1 << 20 },
      );
      return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as TorchRun;
    } catch (error) {
      return `PyTorch: failed (${String((error as Error).message).split('\n')[0]})`;
    }
  };
  return { run: train, close: () => rm(dir, { recursive: true, force: true }) };
}
