// Mirrors in a page, tested with a fake page origin: relative URLs resolve against it, and an https page skips http mirrors with one line.
import {
  browserCache,
  type DatasetFile,
  defaultBrowserCache,
  downloadFile,
  memoryCache,
  mixedContentSkip,
  pageBase,
  resolveMirror,
} from '@fmnist/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { failure, sha256 } from './helpers.ts';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('resolveMirror', () => {
  it('resolves relative mirrors against the page and keeps absolute ones', () => {
    const base = 'https://example.org/app/index.html?x=1';
    expect(resolveMirror('/data/', base)).toBe('https://example.org/data/');
    expect(resolveMirror('./data/', base)).toBe('https://example.org/app/data/');
    expect(resolveMirror('data/', base)).toBe('https://example.org/app/data/');
    expect(resolveMirror('https://cdn.example/fm/', base)).toBe('https://cdn.example/fm/');
  });

  it('leaves a relative mirror alone without a page (Node)', () => {
    expect(pageBase()).toBeUndefined();
    expect(resolveMirror('/data/')).toBe('/data/');
  });

  it('reads the base from location.href', () => {
    vi.stubGlobal('location', { href: 'http://127.0.0.1:5173/sub/' });
    expect(pageBase()).toBe('http://127.0.0.1:5173/sub/');
    expect(resolveMirror('./data/')).toBe('http://127.0.0.1:5173/sub/data/');
  });
});

describe('mixedContentSkip', () => {
  const https = 'https://example.org/';
  it('skips http mirrors on an https page, in one line naming the page', () => {
    const error = mixedContentSkip('http://mirror.example/fm/', https)!;
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.details.reason).toBe('mixed-content');
    expect(error.message).not.toContain('\n');
    expect(error.message).toContain('http://mirror.example/fm/');
    expect(error.message).toContain('https://example.org');
    expect(error.message).toMatch(/mixed content/);
  });

  it('lets https mirrors, loopback http mirrors and http pages through', () => {
    expect(mixedContentSkip('https://mirror.example/fm/', https)).toBeUndefined();
    expect(mixedContentSkip('http://127.0.0.1:8080/fm/', https)).toBeUndefined();
    expect(mixedContentSkip('http://localhost/fm/', https)).toBeUndefined();
    expect(mixedContentSkip('http://mirror.example/fm/', 'http://example.org/')).toBeUndefined();
    expect(mixedContentSkip('http://mirror.example/fm/', undefined)).toBeUndefined();
  });
});

describe('downloadFile in a fake https page', () => {
  const body = new TextEncoder().encode('not gzip, but hashed');
  const file: DatasetFile = { name: 'f.bin', bytes: body.length, sha256: sha256(body) };

  it('skips the http mirror without a request and loads from the relative one', async () => {
    vi.stubGlobal('location', { href: 'https://example.org/app/' });
    const requested: string[] = [];
    const fetch = (async (input: string | URL | Request) => {
      requested.push(String(input));
      return new Response(body.slice());
    }) as typeof globalThis.fetch;
    const bytes = await downloadFile(file, {
      mirrors: ['http://mirror.example/fm/', './data/'],
      fetch,
      retries: 0,
    });
    expect(bytes).toEqual(body);
    expect(requested).toEqual(['https://example.org/app/data/f.bin']);
  });

  it('names the skipped mirror in one line of the final error', async () => {
    vi.stubGlobal('location', { href: 'https://example.org/' });
    const fetch = (async () => new Response(null, { status: 404 })) as typeof globalThis.fetch;
    const error = await failure(
      downloadFile(file, { mirrors: ['http://mirror.example/fm/', '/data/'], fetch, retries: 0 }),
    );
    const attempts = error.details.attempts as { url: string; attempt: number; reason: string }[];
    expect(attempts[0]).toMatchObject({ url: 'http://mirror.example/fm/', attempt: 0 });
    expect(attempts[0].reason).toMatch(/^Skipped the http mirror .*mixed content/);
    expect(attempts[1].url).toBe('https://example.org/data/f.bin');
    expect(error.message.split('\n').filter((l) => l.includes('mixed content'))).toHaveLength(1);
  });
});

describe('browserCache outside a browser', () => {
  it('is refused in Node with a pointer to fsCache, and is no default there', () => {
    expect(() => browserCache()).toThrow(/fsCache/);
    expect(defaultBrowserCache()).toBeUndefined();
    // memoryCache stays the portable choice.
    expect(memoryCache()).toBeDefined();
  });
});
