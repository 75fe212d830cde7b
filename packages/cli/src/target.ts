// Which dataset, data directory and cache a command works on: core's rules, the CLI's messages.
import { statSync } from 'node:fs';
import path from 'node:path';
import {
  type DatasetDescriptor,
  defaultCacheDir,
  type EnvSource,
  getDataset,
  resolveDataDir,
} from '@fmnist/core/node';
import type { CommandContext } from './context.ts';
import { CliError, ExitCode } from './errors.ts';
import type { CommonOptions } from './options.ts';

/** Where a command finds and keeps a dataset's files. */
export interface DataTarget {
  /** The dataset. */
  descriptor: DatasetDescriptor;
  /** Folder with user-provided files (absolute), when one is set (flag or environment). */
  dataDir?: string;
  /** Where `dataDir` came from, for messages: `--data-dir`, `$FMNIST_DATA_DIR`, ... */
  dataDirSource?: string;
  /** Download cache root (absolute); files live in `<cacheDir>/<dataset id>/`. */
  cacheDir: string;
  /** Whether `dataDir` was chosen explicitly (flag or dataset-specific variable). */
  dataDirExplicit: boolean;
  /**
   * What core's `locateDatasetFiles` needs to find this target's files by the same choice: the
   * `--data-dir` flag, the cache root and the command's environment.
   */
  lookup: { dataset: DatasetDescriptor; dataDir?: string; cacheDir: string; env: EnvSource };
}

/** How {@link resolveTarget} treats the data directory. */
export interface ResolveTargetHow {
  /** A named data directory must exist (exit 3 otherwise). Default true. */
  dataDirMustExist?: boolean;
  /** Take the data directory from the environment when `--data-dir` is absent. Default true. */
  dataDirFromEnv?: boolean;
}

function kindOf(dir: string): 'directory' | 'missing' | 'other' {
  try {
    return statSync(dir).isDirectory() ? 'directory' : 'other';
  } catch {
    return 'missing';
  }
}

/**
 * Resolves the dataset and its folders from the options and environment. An unknown dataset is
 * a usage error (exit 2); a data directory that was named but does not exist is exit 3.
 *
 * The data directory follows core's `resolveDataDir` (the rule `loadDataset` uses): `--data-dir`,
 * else the dataset's variable (`$FMNIST_DATA_DIR` for Fashion-MNIST, `$FMNIST_MNIST_DIR` for
 * MNIST); for other datasets `$FMNIST_DATA_DIR` is only a fallback whose files are skipped when
 * their checksums are not the dataset's, and which is ignored when it does not exist. The cache
 * is `--cache-dir`, else core's `defaultCacheDir` of the same environment. `how` lets `download`
 * take `--data-dir` as a destination: no environment, and the folder may not exist yet.
 */
export function resolveTarget(
  options: CommonOptions,
  ctx: Pick<CommandContext, 'env'>,
  how: ResolveTargetHow = {},
): DataTarget {
  const { dataDirMustExist = true, dataDirFromEnv = true } = how;
  const descriptor = getDataset(options.dataset);
  if (options.dataDir === '') throw new CliError(ExitCode.USAGE, '--data-dir must not be empty.');
  const choice = resolveDataDir(descriptor, {
    dataDir: options.dataDir,
    env: dataDirFromEnv ? ctx.env : undefined,
  });
  let dataDir = choice && path.resolve(choice.dir);
  const dataDirSource = choice && (choice.from === 'dataDir' ? '--data-dir' : `$${choice.from}`);
  const explicit = choice?.strict ?? true;
  if (dataDir !== undefined && dataDirMustExist) {
    const kind = kindOf(dataDir);
    if (kind === 'missing' && explicit) {
      throw new CliError(
        ExitCode.DATA,
        `The data directory ${dataDir} (from ${dataDirSource}) does not exist.`,
      );
    }
    if (kind === 'other') {
      throw new CliError(
        ExitCode.DATA,
        `The data directory ${dataDir} (from ${dataDirSource}) is not a directory.`,
      );
    }
    if (kind === 'missing') dataDir = undefined;
  }
  if (options.cacheDir === '') throw new CliError(ExitCode.USAGE, '--cache-dir must not be empty.');
  const cacheDir =
    options.cacheDir !== undefined ? path.resolve(options.cacheDir) : defaultCacheDir(ctx.env);
  return {
    descriptor,
    dataDir,
    dataDirSource: dataDir === undefined ? undefined : dataDirSource,
    cacheDir,
    dataDirExplicit: explicit,
    lookup: {
      dataset: descriptor,
      ...(choice?.from === 'dataDir' ? { dataDir } : {}),
      cacheDir,
      env: ctx.env,
    },
  };
}
