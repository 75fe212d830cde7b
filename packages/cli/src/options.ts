import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  DATA_DIR_ENV,
  type DatasetDescriptor,
  datasetDirEnv,
  defaultCacheDir,
  getDataset,
  type Split,
} from '@fmnist/core/node';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { CommandContext } from './context.ts';
import { CliError, ExitCode } from './errors.ts';

/** Options every subcommand accepts. */
export interface CommonOptions {
  /** Dataset id: `fashion-mnist` (default), `mnist` or a registered one. */
  dataset: string;
  /** Folder with the four files (`.gz` or unpacked); overrides the environment. */
  dataDir?: string;
  /** Download cache folder; overrides `FMNIST_CACHE_DIR` and the platform default. */
  cacheDir?: string;
  /** Print stack traces and causes with errors. */
  verbose?: boolean;
}

/** Adds `--dataset`, `--data-dir`, `--cache-dir` and `--verbose` to a subcommand. */
export function addCommonOptions(command: Command): Command {
  return command
    .option('-d, --dataset <id>', 'dataset: fashion-mnist or mnist', 'fashion-mnist')
    .option(
      '--data-dir <dir>',
      'folder holding the four dataset files, .gz or unpacked (default: $FMNIST_DATA_DIR; $FMNIST_MNIST_DIR for mnist)',
    )
    .option(
      '--cache-dir <dir>',
      'download cache folder (default: $FMNIST_CACHE_DIR or the platform cache folder)',
    )
    .option('-v, --verbose', 'show stack traces and causes with errors');
}

/** A `--split` option with the given default. */
export function splitOption(defaultValue?: Split): Option {
  const option = new Option('-s, --split <split>', 'which split').choices(['train', 'test']);
  return defaultValue === undefined ? option : option.default(defaultValue);
}

/** A commander parser for an integer option in `[min, max]`. */
export function integerArg(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(
        max === Number.MAX_SAFE_INTEGER
          ? `Expected an integer >= ${min}.`
          : `Expected an integer from ${min} to ${max}.`,
      );
    }
    return n;
  };
}

/** Where a command finds and keeps a dataset's files. */
export interface DataTarget {
  /** The dataset. */
  descriptor: DatasetDescriptor;
  /** Folder with user-provided files, when one is set (flag or environment). */
  dataDir?: string;
  /** Where `dataDir` came from, for messages: `--data-dir`, `$FMNIST_DATA_DIR`, ... */
  dataDirSource?: string;
  /** Download cache root; files live in `<cacheDir>/<dataset id>/`. */
  cacheDir: string;
  /** Whether `dataDir` was chosen explicitly (flag or dataset-specific variable). */
  dataDirExplicit: boolean;
}

/**
 * Resolves the dataset and its folders from the options and environment. An unknown dataset is
 * a usage error (exit 2); a data directory that was named but does not exist is exit 3.
 *
 * Without `--data-dir`, the dataset's variable is used (`$FMNIST_DATA_DIR` for Fashion-MNIST,
 * `$FMNIST_MNIST_DIR` for MNIST); for MNIST `$FMNIST_DATA_DIR` is only a fallback candidate whose
 * files are skipped when their checksums are not MNIST's. `how` lets `download` take `--data-dir`
 * as a destination: no environment, and the folder may not exist yet.
 */
export function resolveTarget(
  options: CommonOptions,
  ctx: CommandContext,
  how: { dataDirMustExist?: boolean; dataDirFromEnv?: boolean } = {},
): DataTarget {
  const { dataDirMustExist = true, dataDirFromEnv = true } = how;
  const descriptor = getDataset(options.dataset);
  let dataDir: string | undefined;
  let dataDirSource: string | undefined;
  let explicit = true;
  if (options.dataDir !== undefined) {
    if (options.dataDir === '') throw new CliError(ExitCode.USAGE, '--data-dir must not be empty.');
    dataDir = options.dataDir;
    dataDirSource = '--data-dir';
  } else if (dataDirFromEnv) {
    // Same rule as core's loadDataset: the dataset's own variable, and for datasets other than
    // Fashion-MNIST, $FMNIST_DATA_DIR as a fallback whose files are used only if they match.
    const own = descriptor.id === 'fashion-mnist' ? DATA_DIR_ENV : datasetDirEnv(descriptor.id);
    if (ctx.env[own]) {
      dataDir = ctx.env[own];
      dataDirSource = `$${own}`;
    } else if (own !== DATA_DIR_ENV && ctx.env[DATA_DIR_ENV]) {
      dataDir = ctx.env[DATA_DIR_ENV];
      dataDirSource = `$${DATA_DIR_ENV}`;
      explicit = false;
    }
  }
  if (dataDir !== undefined) {
    dataDir = path.resolve(dataDir);
    if (!dataDirMustExist) {
      // The caller creates it (download --data-dir).
    } else if (!existsSync(dataDir)) {
      if (explicit) {
        throw new CliError(
          ExitCode.DATA,
          `The data directory ${dataDir} (from ${dataDirSource}) does not exist.`,
        );
      }
      dataDir = undefined;
      dataDirSource = undefined;
    } else if (!statSync(dataDir).isDirectory()) {
      throw new CliError(
        ExitCode.DATA,
        `The data directory ${dataDir} (from ${dataDirSource}) is not a directory.`,
      );
    }
  }
  let cacheDir: string;
  if (options.cacheDir !== undefined) {
    if (options.cacheDir === '')
      throw new CliError(ExitCode.USAGE, '--cache-dir must not be empty.');
    cacheDir = path.resolve(options.cacheDir);
  } else if (ctx.env.FMNIST_CACHE_DIR) {
    cacheDir = path.resolve(ctx.env.FMNIST_CACHE_DIR);
  } else {
    cacheDir = defaultCacheDir();
  }
  return { descriptor, dataDir, dataDirSource, cacheDir, dataDirExplicit: explicit };
}
