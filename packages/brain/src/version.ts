// Which brain.js a network or module is, and the input format that follows from it.
import { FmnistError } from '@fmnist/core';

/**
 * How inputs and one-hot outputs are handed to brain.js:
 * - `'float32'`: `Float32Array` views on one shared buffer (brain.js 2.x; no per-sample copies);
 * - `'array'`: plain `number[]` copies, one per sample (brain.js 1.x, whose API is `number[]` only).
 */
export type BrainInputFormat = 'float32' | 'array';

/** What {@link detectBrainVersion} found out. */
export interface BrainVersionInfo {
  /** brain.js major version line: 1 (`latest` on npm, 1.6.1) or 2 (the 2.0.0 betas). */
  major: 1 | 2;
  /** The data format fmnist uses for that line. */
  format: BrainInputFormat;
  /** What the answer was based on: an explicit version, the package.json, the module, a network class or instance, or the default. */
  detectedBy: 'version' | 'package.json' | 'module' | 'constructor' | 'instance' | 'default';
}

/**
 * Anything that tells which brain.js is in use:
 * - a version string (`'1.6.1'`, `'2.0.0-beta.24'`) or a major number (`1`, `2`);
 * - brain.js's `package.json` object (`{ name: 'brain.js', version }`);
 * - the brain.js module itself (`import * as brain from 'brain.js'`);
 * - a network class (`brain.NeuralNetwork`, `brain.NeuralNetworkGPU`) or a network instance.
 */
export type BrainTarget = string | number | object;

/**
 * Finds out which brain.js line `target` belongs to, so data is converted to `number[]` only for
 * brain.js 1.x.
 *
 * Without a version string the answer comes from feature probes that hold for the published
 * packages: the 2.x module exports `FeedForward` and `layer` (1.6.1 does not; it exports
 * `TrainStream`), and 2.x networks have a `validateData` method (1.6.1 networks do not). With no
 * target at all the answer is 2 (`detectedBy: 'default'`), because `Float32Array` is what brain.js
 * 2 documents and the fast path.
 *
 * @throws FmnistError `INVALID_ARGUMENT` for a version outside 1.x/2.x or a value that is not
 *   brain.js in any of the accepted forms.
 */
export function detectBrainVersion(target?: BrainTarget): BrainVersionInfo {
  if (target === undefined || target === null) return info(2, 'default');
  if (typeof target === 'number') return info(checkMajor(target, String(target)), 'version');
  if (typeof target === 'string') return info(parseMajor(target), 'version');
  if (typeof target === 'function') {
    const major = majorOfClass(target);
    if (major) return info(major, 'constructor');
    invalid(
      `detectBrainVersion: ${describe(target)} is not a brain.js network class (no train/run methods)`,
    );
  }
  if (typeof target === 'object') {
    const value = target as Record<string, unknown>;
    if (value.name === 'brain.js' && typeof value.version === 'string') {
      return info(parseMajor(value.version), 'package.json');
    }
    const major = majorOfModule(value) ?? majorOfModule(value.default);
    if (major) return info(major, 'module');
    if (typeof value.train === 'function' && typeof value.run === 'function') {
      return info(typeof value.validateData === 'function' ? 2 : 1, 'instance');
    }
  }
  return invalid(
    `detectBrainVersion: ${describe(target)} is not brain.js: pass the module, a network class or instance, its package.json, or a version such as '1.6.1'`,
  );
}

/** The data format to use for `format` and `brain` options as the converters accept them. */
export function resolveFormat(format: 'auto' | BrainInputFormat | undefined, brain?: BrainTarget) {
  if (format === undefined || format === 'auto') return detectBrainVersion(brain).format;
  if (format === 'float32' || format === 'array') return format;
  return invalid(`format must be 'auto', 'float32' or 'array', got ${JSON.stringify(format)}`);
}

function info(major: 1 | 2, detectedBy: BrainVersionInfo['detectedBy']): BrainVersionInfo {
  return { major, format: major === 1 ? 'array' : 'float32', detectedBy };
}

function parseMajor(version: string): 1 | 2 {
  const match = /^\s*[v=^~]?\s*(\d+)(?:\.|\s*$)/.exec(version);
  if (!match) invalid(`detectBrainVersion: cannot read a version from ${JSON.stringify(version)}`);
  return checkMajor(Number(match[1]), version);
}

function checkMajor(major: number, text: string): 1 | 2 {
  if (major === 1 || major === 2) return major;
  return invalid(
    `detectBrainVersion: brain.js ${text} is not supported; fmnist knows the 1.x and 2.x lines`,
  );
}

function majorOfModule(value: unknown): 1 | 2 | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const mod = value as Record<string, unknown>;
  if (typeof mod.NeuralNetwork !== 'function') return undefined;
  if (typeof mod.FeedForward === 'function' || typeof mod.layer === 'object') return 2;
  if (typeof mod.TrainStream === 'function') return 1;
  return majorOfClass(mod.NeuralNetwork as object);
}

function majorOfClass(ctor: object): 1 | 2 | undefined {
  const proto = (ctor as { prototype?: Record<string, unknown> }).prototype;
  if (!proto || typeof proto.train !== 'function' || typeof proto.run !== 'function') {
    return undefined;
  }
  return typeof proto.validateData === 'function' ? 2 : 1;
}

function describe(value: unknown): string {
  if (typeof value === 'function') return `the function ${value.name || '(anonymous)'}`;
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : `a value of type ${typeof value}`;
}

function invalid(message: string): never {
  throw new FmnistError('INVALID_ARGUMENT', `${message}.`);
}
