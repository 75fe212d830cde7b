// The command-line options the subcommands share, and commander parsers for their values.
import { isFmnistError, parseSplitSpec, type SplitSelector } from '@fmnist/core/node';
import { type Command, InvalidArgumentError, Option } from 'commander';

/** Options every subcommand accepts. */
export interface CommonOptions {
  /** Dataset id or name as typed (`fashion_mnist`, `Fashion-MNIST`): `fashion-mnist` (default), `mnist` or a registered one. */
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
    .option(
      '-d, --dataset <id>',
      'dataset: fashion-mnist or mnist (fashion_mnist, Fashion-MNIST work too)',
      'fashion-mnist',
    )
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

/**
 * Commander parser of `--split`: `train`, `test`, or a split string as in TensorFlow Datasets
 * (`train[:10%]`, `test[-100:]`, `train+test`); a bad one is a usage error quoting the grammar.
 */
export function splitArg(value: string): SplitSelector {
  if (value === 'train' || value === 'test') return value;
  try {
    parseSplitSpec(value);
  } catch (error) {
    if (isFmnistError(error, 'INVALID_ARGUMENT')) throw new InvalidArgumentError(error.message);
    throw error;
  }
  return value;
}

/** A `--split` option (a split or a split string, see {@link splitArg}) with the given default. */
export function splitOption(defaultValue?: SplitSelector): Option {
  const option = new Option(
    '-s, --split <split>',
    "which split: train, test, or a split string such as 'train[:10%]', 'test[-100:]', 'train+test'",
  ).argParser(splitArg);
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
