// detectBrainVersion on both brain.js versions and their package.json files.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { FmnistError } from '@fmnist/core';
import { describe, expect, it } from 'vitest';
import { detectBrainVersion } from '../src/index.ts';
import { loadBrainV1, loadBrainV2 } from './helpers.ts';

const require = createRequire(import.meta.url);
const packageJson = (name: string) =>
  JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as object;

function invalid(target: unknown): FmnistError {
  try {
    detectBrainVersion(target as never);
  } catch (error) {
    expect(error).toBeInstanceOf(FmnistError);
    expect((error as FmnistError).code).toBe('INVALID_ARGUMENT');
    return error as FmnistError;
  }
  throw new Error('expected detectBrainVersion to throw');
}

describe('detectBrainVersion', () => {
  it('recognizes the real brain.js 2.0.0-beta.24 module, classes, instances and package.json', async () => {
    const { brain } = await loadBrainV2();
    expect(detectBrainVersion(brain)).toEqual({
      major: 2,
      format: 'float32',
      detectedBy: 'module',
    });
    expect(detectBrainVersion(brain.NeuralNetwork).major).toBe(2);
    expect(detectBrainVersion(brain.NeuralNetworkGPU).detectedBy).toBe('constructor');
    expect(detectBrainVersion(brain.NeuralNetworkGPU).major).toBe(2);
    expect(detectBrainVersion(new brain.NeuralNetwork())).toMatchObject({
      major: 2,
      detectedBy: 'instance',
    });
    const pkg = packageJson('brain.js');
    expect(pkg).toMatchObject({ version: '2.0.0-beta.24' });
    expect(detectBrainVersion(pkg)).toEqual({
      major: 2,
      format: 'float32',
      detectedBy: 'package.json',
    });
    // An ESM namespace of the CommonJS module (`import * as brain`) has it under `default` too.
    expect(detectBrainVersion({ default: brain }).major).toBe(2);
  });

  it('recognizes the real brain.js 1.6.1 module, classes, instances and package.json', async () => {
    const brain = await loadBrainV1();
    expect(detectBrainVersion(brain)).toEqual({ major: 1, format: 'array', detectedBy: 'module' });
    expect(detectBrainVersion(brain.NeuralNetwork).major).toBe(1);
    expect(detectBrainVersion(brain.NeuralNetworkGPU).major).toBe(1);
    expect(detectBrainVersion(new brain.NeuralNetwork())).toMatchObject({
      major: 1,
      detectedBy: 'instance',
    });
    const pkg = packageJson('brain.js-v1');
    expect(pkg).toMatchObject({ name: 'brain.js', version: '1.6.1' });
    expect(detectBrainVersion(pkg).major).toBe(1);
  });

  it('reads versions and majors', () => {
    expect(detectBrainVersion('1.6.1')).toEqual({
      major: 1,
      format: 'array',
      detectedBy: 'version',
    });
    expect(detectBrainVersion('2.0.0-beta.24').major).toBe(2);
    expect(detectBrainVersion('v1.0.0').major).toBe(1);
    expect(detectBrainVersion('^2.0.0-beta.1').major).toBe(2);
    expect(detectBrainVersion(2).major).toBe(2);
    expect(detectBrainVersion()).toEqual({ major: 2, format: 'float32', detectedBy: 'default' });
  });

  it('rejects what is not brain.js 1.x or 2.x', () => {
    expect(invalid('3.0.0').message).toMatch(/not supported/);
    expect(invalid('latest').message).toMatch(/cannot read a version/);
    expect(invalid(0).message).toMatch(/not supported/);
    expect(invalid({}).message).toMatch(/not brain.js/);
    expect(invalid([]).message).toMatch(/an array/);
    expect(invalid(class Foo {}).message).toMatch(/Foo/);
    invalid(true);
  });
});
