// Dataset descriptors: the built-in Fashion-MNIST and MNIST, the registry of user datasets, and the checks that make a descriptor safe to turn into paths and URLs.

import { DATA_DIR_ENV, datasetDirEnv } from './dataDir.ts';
import { normalizeDatasetName, unknownDatasetError } from './datasetNames.ts';
import { FmnistError } from './errors.ts';

/**
 * The one rule for names that become path segments and URL parts (dataset ids, file names,
 * cache key parts): letters, digits, `.`, `_` and `-`, not starting with `.`, `_` or `-`, so no
 * separator, no `..` and no hidden file.
 */
export const SAFE_NAME: RegExp = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** True when `name` is a string that follows {@link SAFE_NAME}. */
export function isSafeName(name: unknown): name is string {
  return typeof name === 'string' && SAFE_NAME.test(name);
}

/** One file of a dataset, as published by its authors. */
export interface DatasetFile {
  /** File name on the mirrors and in the cache, e.g. `train-images-idx3-ubyte.gz`. */
  name: string;
  /** Size of the published (gzip) file in bytes. */
  bytes: number;
  /** Lowercase hex sha256 of the published (gzip) file. Omit only for user datasets you trust. */
  sha256?: string;
  /** Size of the uncompressed IDX file in bytes, when known. */
  rawBytes?: number;
  /** Lowercase hex sha256 of the uncompressed IDX file, when known; lets an unpacked copy be checked. */
  rawSha256?: string;
}

/** The four files of an MNIST-style dataset. */
export interface DatasetFiles {
  trainImages: DatasetFile;
  trainLabels: DatasetFile;
  testImages: DatasetFile;
  testLabels: DatasetFile;
}

/** Which half of a dataset. */
export type Split = 'train' | 'test';

/** Everything fmnist needs to know to fetch, verify and describe an IDX image dataset. */
export interface DatasetDescriptor {
  /** Short id used in options and the CLI, e.g. `fashion-mnist`. */
  id: string;
  /** Human-readable name. */
  title: string;
  /** The four files. */
  files: DatasetFiles;
  /** Class names in label order: `classNames[label]`. */
  classNames: readonly string[];
  /** Base URLs tried in order; each is joined with a file name. https mirrors should come first. */
  mirrors: readonly string[];
  /** Height and width of one image. */
  imageShape: readonly [number, number];
  /** Number of images per split. */
  counts: { readonly train: number; readonly test: number };
  /** Mean pixel value of the training split after scaling to [0, 1], for standardisation. */
  mean?: number;
  /** Standard deviation of the training split's pixels after scaling to [0, 1]. */
  std?: number;
  /** Licence of the data itself. */
  license?: string;
  /** Where the dataset is described. */
  homepage?: string;
  /**
   * Allow plain-http mirrors even though the files carry no sha256. Off by default: without a
   * checksum, http gives no integrity at all.
   */
  allowInsecureMirrors?: boolean;
  /**
   * Whether mirroring an image left-right keeps its class: true for clothing (a shoe pointing
   * the other way is still a shoe), false for digits. Tells training recipes whether a `flip`
   * augmentation is valid; absent means unknown (treat as false).
   */
  mirrorInvariant?: boolean;
}

/** File keys of {@link DatasetFiles} for one split, images first. */
export function splitFiles(
  descriptor: DatasetDescriptor,
  split: Split,
): [DatasetFile, DatasetFile] {
  return split === 'train'
    ? [descriptor.files.trainImages, descriptor.files.trainLabels]
    : [descriptor.files.testImages, descriptor.files.testLabels];
}

/**
 * Zalando Research's Fashion-MNIST: 70,000 28x28 grayscale images of clothing in 10 classes.
 * Data licence: MIT, (c) 2017 Zalando SE.
 */
export const fashionMnist: DatasetDescriptor = Object.freeze({
  id: 'fashion-mnist',
  title: 'Fashion-MNIST',
  files: Object.freeze({
    trainImages: {
      name: 'train-images-idx3-ubyte.gz',
      bytes: 26421880,
      sha256: '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84',
      rawBytes: 47040016,
      rawSha256: 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888',
    },
    trainLabels: {
      name: 'train-labels-idx1-ubyte.gz',
      bytes: 29515,
      sha256: 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845',
      rawBytes: 60008,
      rawSha256: 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9',
    },
    testImages: {
      name: 't10k-images-idx3-ubyte.gz',
      bytes: 4422102,
      sha256: '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073',
      rawBytes: 7840016,
      rawSha256: '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b',
    },
    testLabels: {
      name: 't10k-labels-idx1-ubyte.gz',
      bytes: 5148,
      sha256: '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5',
      rawBytes: 10008,
      rawSha256: '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34',
    },
  }),
  classNames: Object.freeze([
    'T-shirt/top',
    'Trouser',
    'Pullover',
    'Dress',
    'Coat',
    'Sandal',
    'Shirt',
    'Sneaker',
    'Bag',
    'Ankle boot',
  ]),
  mirrors: Object.freeze([
    'https://storage.googleapis.com/tensorflow/tf-keras-datasets/',
    'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
  ]),
  imageShape: [28, 28] as const,
  counts: { train: 60000, test: 10000 },
  mean: 0.2860405969887955,
  std: 0.3530242445149223,
  license: 'MIT, (c) 2017 Zalando SE',
  homepage: 'https://github.com/zalandoresearch/fashion-mnist',
  mirrorInvariant: true,
});

/** The original MNIST handwritten digits (LeCun, Cortes, Burges), same layout as Fashion-MNIST. */
export const mnist: DatasetDescriptor = Object.freeze({
  id: 'mnist',
  title: 'MNIST',
  files: Object.freeze({
    trainImages: {
      name: 'train-images-idx3-ubyte.gz',
      bytes: 9912422,
      sha256: '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609',
      rawBytes: 47040016,
      rawSha256: 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
    },
    trainLabels: {
      name: 'train-labels-idx1-ubyte.gz',
      bytes: 28881,
      sha256: '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c',
      rawBytes: 60008,
      rawSha256: '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
    },
    testImages: {
      name: 't10k-images-idx3-ubyte.gz',
      bytes: 1648877,
      sha256: '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6',
      rawBytes: 7840016,
      rawSha256: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
    },
    testLabels: {
      name: 't10k-labels-idx1-ubyte.gz',
      bytes: 4542,
      sha256: 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6',
      rawBytes: 10008,
      rawSha256: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
    },
  }),
  classNames: Object.freeze(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']),
  mirrors: Object.freeze([
    'https://ossci-datasets.s3.amazonaws.com/mnist/',
    'http://yann.lecun.com/exdb/mnist/',
  ]),
  imageShape: [28, 28] as const,
  counts: { train: 60000, test: 10000 },
  mean: 0.1306604762738429,
  std: 0.3081078038564622,
  license: 'CC BY-SA 3.0 (Yann LeCun and Corinna Cortes)',
  homepage: 'http://yann.lecun.com/exdb/mnist/',
  mirrorInvariant: false,
});

const registry = new Map<string, DatasetDescriptor>([
  [fashionMnist.id, fashionMnist],
  [mnist.id, mnist],
]);

/**
 * Environment variables an id must not map to through {@link datasetDirEnv}: the shared data
 * directory and the cache directory have meanings of their own.
 */
const RESERVED_ENV = [DATA_DIR_ENV, 'FMNIST_CACHE_DIR'];

/** The variable that names `id`'s local directory (Fashion-MNIST keeps `FMNIST_DATA_DIR`). */
function ownDirEnv(id: string): string {
  return id === fashionMnist.id ? DATA_DIR_ENV : datasetDirEnv(id);
}

/**
 * Adds a user dataset (e.g. KMNIST) so that `loadDataset({ dataset: id })` and the CLI find it.
 * Re-registering an id replaces it; the two built-in ids cannot be replaced. The descriptor is
 * checked first (see {@link checkDescriptor}), and its id must map to an environment variable
 * of its own: `'my-set'` and `'my_set'` would both read `FMNIST_MY_SET_DIR`, and `'data'` or
 * `'cache'` would read `FMNIST_DATA_DIR` or `FMNIST_CACHE_DIR`, so such an id is refused.
 *
 * @returns The descriptor as registered: the one given, or, when it spelled a sha256 in
 *   uppercase, a copy with lowercase hex.
 * @throws FmnistError INVALID_ARGUMENT saying what is wrong and why.
 */
export function registerDataset(descriptor: DatasetDescriptor): DatasetDescriptor {
  if (!descriptor || typeof descriptor.id !== 'string' || descriptor.id === '') {
    throw new FmnistError('INVALID_ARGUMENT', 'A dataset descriptor needs a non-empty string id.');
  }
  if (descriptor.id === fashionMnist.id || descriptor.id === mnist.id) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `The dataset id "${descriptor.id}" is built in and cannot be replaced; choose another id.`,
    );
  }
  checkDescriptor(descriptor);
  const env = datasetDirEnv(descriptor.id);
  if (RESERVED_ENV.includes(env)) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `The dataset id "${descriptor.id}" would name its data directory with ${env}, which already means something else to fmnist; choose another id.`,
      { details: { dataset: descriptor.id, env } },
    );
  }
  for (const other of registry.keys()) {
    if (other !== descriptor.id && ownDirEnv(other) === env) {
      throw new FmnistError(
        'INVALID_ARGUMENT',
        `The dataset ids "${descriptor.id}" and "${other}" both map to the environment variable ${env}, so one directory would serve both; choose an id that differs in more than case or punctuation.`,
        { details: { dataset: descriptor.id, other, env } },
      );
    }
  }
  const registered = withLowercaseHex(descriptor);
  registry.set(descriptor.id, registered);
  return registered;
}

/** `descriptor`, or a copy whose sha256/rawSha256 are lowercase when some were not. */
function withLowercaseHex(descriptor: DatasetDescriptor): DatasetDescriptor {
  const entries = Object.entries(descriptor.files) as [keyof DatasetFiles, DatasetFile][];
  const upper = (hex: string | undefined) => hex !== undefined && hex !== hex.toLowerCase();
  if (!entries.some(([, f]) => upper(f.sha256) || upper(f.rawSha256))) return descriptor;
  const files = {} as Record<keyof DatasetFiles, DatasetFile>;
  for (const [key, f] of entries) {
    files[key] = {
      ...f,
      ...(f.sha256 === undefined ? {} : { sha256: f.sha256.toLowerCase() }),
      ...(f.rawSha256 === undefined ? {} : { rawSha256: f.rawSha256.toLowerCase() }),
    };
  }
  return { ...descriptor, files };
}

/**
 * Looks a dataset up by id, or by a name as users type it (`'fashion_mnist'`, `'Fashion-MNIST'`,
 * `'fashionmnist'`; see `normalizeDatasetName`); a descriptor passed in is returned as it is.
 *
 * @throws FmnistError UNKNOWN_DATASET quoting the name, with the nearest id as a suggestion.
 */
export function getDataset(
  dataset: string | DatasetDescriptor = fashionMnist.id,
): DatasetDescriptor {
  if (typeof dataset !== 'string') return dataset;
  const ids = [...registry.keys()];
  const id = normalizeDatasetName(dataset, ids);
  const found = id === undefined ? undefined : registry.get(id);
  if (!found) throw unknownDatasetError(dataset, ids);
  return found;
}

/** Ids of every registered dataset, built-in ones first. */
export function listDatasets(): string[] {
  return [...registry.keys()];
}

/** The four keys of {@link DatasetFiles}, in the order messages list them. */
const FILE_KEYS = ['trainImages', 'trainLabels', 'testImages', 'testLabels'] as const;

const HEX64 = /^[0-9a-fA-F]{64}$/;

/** Why `value` is not a usable optional byte count, or undefined when it is. */
function badCount(value: unknown, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  return Number.isSafeInteger(value) && (value as number) >= 0
    ? undefined
    : `must be a non-negative integer, got ${JSON.stringify(value) ?? String(value)}`;
}

/**
 * Checks what loading relies on in a descriptor, which may be an object that never went through
 * {@link registerDataset}: a safe id; a `files` object with all four files, each with a safe
 * name (they become cache paths and URLs), no two with the same name, a `bytes` count, and
 * `sha256` / `rawSha256` (when given) of 64 hex digits (either case); an `imageShape` of two
 * positive integers; and 1 to 256 class names (labels are bytes).
 *
 * @throws FmnistError INVALID_ARGUMENT naming the dataset, the field and the problem.
 */
export function checkDescriptor(descriptor: DatasetDescriptor): void {
  if (typeof descriptor !== 'object' || descriptor === null) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `A dataset descriptor must be an object, got ${String(descriptor)}.`,
    );
  }
  const bad = (what: string, field?: string) =>
    new FmnistError('INVALID_ARGUMENT', `Dataset "${descriptor.id}": ${what}.`, {
      details: { dataset: descriptor.id, ...(field ? { field } : {}) },
    });
  if (!isSafeName(descriptor.id)) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `The dataset id ${JSON.stringify(descriptor.id)} is unsafe as a cache folder name: use letters, digits, '.', '_' and '-' only.`,
    );
  }
  if (typeof descriptor.files !== 'object' || descriptor.files === null) {
    throw bad(`files is missing: it must list ${FILE_KEYS.join(', ')}`, 'files');
  }
  const seen = new Map<string, string>();
  for (const key of FILE_KEYS) {
    const file = descriptor.files[key] as DatasetFile | undefined;
    if (typeof file !== 'object' || file === null) throw bad(`files.${key} is missing`, key);
    if (!isSafeName(file.name)) {
      throw bad(
        `unsafe file name ${JSON.stringify(file.name)}: use letters, digits, '.', '_' and '-' only`,
        `files.${key}.name`,
      );
    }
    const twin = seen.get(file.name);
    if (twin) {
      throw bad(
        `files.${twin} and files.${key} are both named "${file.name}": each file needs its own name (they share one cache entry)`,
        `files.${key}.name`,
      );
    }
    seen.set(file.name, key);
    for (const field of ['sha256', 'rawSha256'] as const) {
      const hex: unknown = file[field];
      if (hex !== undefined && !(typeof hex === 'string' && HEX64.test(hex))) {
        throw bad(
          `files.${key}.${field} must be 64 hex digits (a sha256), got ${JSON.stringify(hex) ?? String(hex)}; leave it out if it is unknown`,
          `files.${key}.${field}`,
        );
      }
    }
    for (const field of ['bytes', 'rawBytes'] as const) {
      const problem = badCount(file[field], field === 'bytes');
      if (problem) throw bad(`files.${key}.${field} ${problem}`, `files.${key}.${field}`);
    }
  }
  const { mirrors } = descriptor as { mirrors?: unknown };
  if (
    mirrors !== undefined &&
    !(Array.isArray(mirrors) && mirrors.every((m) => typeof m === 'string'))
  ) {
    throw bad('mirrors must be a list of base URL strings (it may be empty)', 'mirrors');
  }
  const [h, w] = descriptor.imageShape ?? [];
  if (!Number.isSafeInteger(h) || !Number.isSafeInteger(w) || h < 1 || w < 1) {
    throw bad(
      `imageShape must be two positive integers, got ${JSON.stringify(descriptor.imageShape)}`,
      'imageShape',
    );
  }
  if (
    !Array.isArray(descriptor.classNames) ||
    descriptor.classNames.length < 1 ||
    descriptor.classNames.length > 256
  ) {
    throw bad(
      `classNames must list 1 to 256 classes, got ${Array.isArray(descriptor.classNames) ? descriptor.classNames.length : String(descriptor.classNames)}`,
      'classNames',
    );
  }
}
