// The real-data lookup of the tests: where the official files are, and a loud failure when not.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file's location. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const FILES = [
  'train-images-idx3-ubyte.gz',
  'train-labels-idx1-ubyte.gz',
  't10k-images-idx3-ubyte.gz',
  't10k-labels-idx1-ubyte.gz',
];

/**
 * The directory holding the four official `.gz` files of a dataset, for the real-data suites.
 *
 * It reads `FMNIST_DATA_DIR` (Fashion-MNIST) or `FMNIST_MNIST_DIR` (MNIST) and otherwise the
 * `shared/` folder beside the checkout. When the files are missing it throws: a real-data test
 * must fail loudly rather than pass without having looked at the data.
 */
export function realDataDir(dataset: 'fashion-mnist' | 'mnist' = 'fashion-mnist'): string {
  const env = dataset === 'mnist' ? process.env.FMNIST_MNIST_DIR : process.env.FMNIST_DATA_DIR;
  const dir = path.resolve(env || path.join(repoRoot, '..', 'shared', dataset));
  const missing = FILES.filter((name) => !existsSync(path.join(dir, name)));
  if (missing.length > 0) {
    throw new Error(
      `The real ${dataset} files are missing from ${dir} (${missing.join(', ')}). ` +
        `Set ${dataset === 'mnist' ? 'FMNIST_MNIST_DIR' : 'FMNIST_DATA_DIR'} to a folder with the four official .gz files.`,
    );
  }
  return dir;
}

/** Path of one real file, e.g. `realDataFile('t10k-labels-idx1-ubyte.gz')`. */
export function realDataFile(
  name: string,
  dataset: 'fashion-mnist' | 'mnist' = 'fashion-mnist',
): string {
  return path.join(realDataDir(dataset), name);
}

/**
 * Where the headless browser lives for browser tests. Debian's Chromium by default; CI installs
 * it (`.ci/run`), and `FMNIST_BROWSER` overrides the path.
 */
export function chromiumPath(): string {
  const candidate = process.env.FMNIST_BROWSER || '/usr/bin/chromium';
  if (!existsSync(candidate)) {
    throw new Error(
      `No Chromium at ${candidate}: install Debian's chromium (apt-get install chromium) or set FMNIST_BROWSER.`,
    );
  }
  return candidate;
}

/** Command-line flags that let headless Chromium run as root on a machine without network. */
export const chromiumArgs: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
];
