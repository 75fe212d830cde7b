// Which local directory holds a dataset's files: the dataDir option, else its environment variable, with FMNIST_DATA_DIR as a checked fallback.
import type { DatasetDescriptor, DatasetFile } from './datasets.ts';

/** The environment variable for Fashion-MNIST's local directory (and the fallback for others). */
export const DATA_DIR_ENV = 'FMNIST_DATA_DIR';

/** Environment variable naming the local directory of a dataset other than Fashion-MNIST. */
export function datasetDirEnv(datasetId: string): string {
  return `FMNIST_${datasetId.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_DIR`;
}

/**
 * Where environment variables come from: a lookup function (like `Platform.env`) or a record
 * (like `process.env`).
 */
export type EnvSource =
  | ((name: string) => string | undefined)
  | Readonly<Record<string, string | undefined>>;

/** Reads one variable from an {@link EnvSource}. */
export function readEnv(env: EnvSource | undefined, name: string): string | undefined {
  if (env === undefined) return undefined;
  return typeof env === 'function' ? env(name) : env[name];
}

/** The local directory that applies to a dataset, as chosen by {@link resolveDataDir}. */
export interface DataDirChoice {
  /** The directory as given (not resolved against the working directory). */
  dir: string;
  /**
   * Where it came from: `'dataDir'` for the option, else the environment variable's name
   * (`FMNIST_DATA_DIR`, `FMNIST_MNIST_DIR`, `FMNIST_<ID>_DIR`).
   */
  from: string;
  /**
   * True when the directory was named for this dataset (the option or the dataset's own
   * variable): it must hold the files, and a missing or mismatching file is an error. False for
   * the `FMNIST_DATA_DIR` fallback of another dataset: a file there is used only when it matches
   * this dataset's checksums, and anything else is downloaded.
   */
  strict: boolean;
}

/** Inputs of {@link resolveDataDir}. */
export interface ResolveDataDirOptions {
  /** An explicit directory; wins over the environment, even when empty. */
  dataDir?: string;
  /** The environment to read; without it only `dataDir` counts (browsers). */
  env?: EnvSource;
}

/**
 * The local directory of `dataset`, or `undefined` when none applies: `dataDir` if given, else
 * `FMNIST_DATA_DIR` for Fashion-MNIST or `FMNIST_<ID>_DIR` (e.g. `FMNIST_MNIST_DIR`) for others,
 * else, for datasets other than Fashion-MNIST, `FMNIST_DATA_DIR` as a non-strict fallback.
 * Empty variables count as unset.
 */
export function resolveDataDir(
  dataset: Pick<DatasetDescriptor, 'id'>,
  options: ResolveDataDirOptions = {},
): DataDirChoice | undefined {
  if (options.dataDir !== undefined) return { dir: options.dataDir, from: 'dataDir', strict: true };
  const own = dataset.id === 'fashion-mnist' ? DATA_DIR_ENV : datasetDirEnv(dataset.id);
  const ownDir = readEnv(options.env, own);
  if (ownDir) return { dir: ownDir, from: own, strict: true };
  // FMNIST_DATA_DIR usually holds Fashion-MNIST: another dataset uses it only for files that
  // match its own checksums, and downloads the rest.
  const shared = own === DATA_DIR_ENV ? undefined : readEnv(options.env, DATA_DIR_ENV);
  if (shared) return { dir: shared, from: DATA_DIR_ENV, strict: false };
  return undefined;
}

/** Words for {@link DataDirChoice.from} in messages: "the dataDir option" or the variable. */
export function describeDataDirOrigin(choice: Pick<DataDirChoice, 'from'>): string {
  return choice.from === 'dataDir' ? 'the dataDir option' : choice.from;
}

/**
 * The names a file may have in a local directory, in the order they are tried: as published
 * (`train-images-idx3-ubyte.gz`), then unpacked (`train-images-idx3-ubyte`).
 */
export function localFileNames(file: Pick<DatasetFile, 'name'>): string[] {
  const { name } = file;
  return name.endsWith('.gz') && name.length > 3 ? [name, name.slice(0, -3)] : [name];
}
