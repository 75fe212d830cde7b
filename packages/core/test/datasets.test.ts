// Tests of the dataset descriptors: the built-in datasets, lookup and registration.
import {
  FmnistError,
  fashionMnist,
  getDataset,
  isFmnistError,
  listDatasets,
  mnist,
  registerDataset,
} from '@fmnist/core';
import { PUBLISHED_FASHION_MNIST_CLASSES } from '@fmnist/test-utils';
import { describe, expect, it } from 'vitest';

describe('dataset descriptors', () => {
  it('lists Fashion-MNIST class names in label order', () => {
    expect(fashionMnist.classNames).toEqual(PUBLISHED_FASHION_MNIST_CLASSES);
  });

  it('puts an https mirror first and keeps the canonical http one', () => {
    for (const d of [fashionMnist, mnist]) {
      expect(d.mirrors[0]).toMatch(/^https:\/\//);
      expect(d.mirrors.some((m) => m.startsWith('http://'))).toBe(true);
    }
  });

  it('says which datasets keep their classes under a left-right mirror (clothing, not digits)', () => {
    expect(getDataset('fashion-mnist').mirrorInvariant).toBe(true);
    expect(getDataset('mnist').mirrorInvariant).toBe(false);
  });

  it('switches between datasets by id', () => {
    expect(getDataset()).toBe(fashionMnist);
    expect(getDataset('mnist')).toBe(mnist);
    expect(listDatasets().slice(0, 2)).toEqual(['fashion-mnist', 'mnist']);
  });

  it('rejects an unknown dataset with a typed error naming the known ones', () => {
    try {
      getDataset('cifar');
      expect.unreachable();
    } catch (error) {
      expect(isFmnistError(error, 'UNKNOWN_DATASET')).toBe(true);
      expect((error as Error).message).toContain('fashion-mnist, mnist');
    }
  });

  it('registers a user dataset and refuses unsafe file names and built-in ids', () => {
    const kmnist = { ...mnist, id: 'kmnist', title: 'Kuzushiji-MNIST' };
    expect(registerDataset(kmnist)).toBe(kmnist);
    expect(getDataset('kmnist')).toBe(kmnist);
    expect(() => registerDataset({ ...mnist })).toThrow(FmnistError);
    const evil = {
      ...kmnist,
      id: 'evil',
      files: { ...kmnist.files, trainImages: { name: '../../etc/passwd', bytes: 1 } },
    };
    expect(() => registerDataset(evil)).toThrow(/unsafe file name/);
    expect(() => registerDataset({ ...kmnist, id: '../x' })).toThrow(/unsafe/);
  });

  it('recognises fmnist errors across copies by name and code', () => {
    const copy = Object.assign(new Error('x'), { name: 'FmnistError', code: 'ABORTED' });
    expect(isFmnistError(copy)).toBe(true);
    expect(isFmnistError(copy, 'ABORTED')).toBe(true);
    expect(isFmnistError(copy, 'NOT_FOUND')).toBe(false);
    expect(isFmnistError(new Error('x'))).toBe(false);
    expect(isFmnistError(null)).toBe(false);
    const withCause = new FmnistError('CACHE_IO', 'msg', { cause: copy, details: { a: 1 } });
    expect(withCause.cause).toBe(copy);
    expect(withCause.details).toEqual({ a: 1 });
    expect(withCause.name).toBe('FmnistError');
  });
});
