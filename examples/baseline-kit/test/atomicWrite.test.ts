// writeFileAtomically: the file appears whole, replaces the old one, and leaves no temp file behind.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomically } from '../src/node.ts';
import { withTempDir } from '../src/testing.ts';

describe('writeFileAtomically', () => {
  it('writes a new file and replaces an existing one, with no temp file left', async () => {
    await withTempDir('kit-atomic-', async (dir) => {
      const file = path.join(dir, 'result.json');
      await writeFileAtomically(file, '{"a":1}');
      expect(readFileSync(file, 'utf8')).toBe('{"a":1}');
      await writeFileAtomically(file, Uint8Array.of(1, 2, 3));
      expect([...readFileSync(file)]).toEqual([1, 2, 3]);
      expect(readdirSync(dir)).toEqual(['result.json']);
    });
  });

  it('keeps the previous file when the new one cannot be put in place', async () => {
    await withTempDir('kit-atomic-', async (dir) => {
      // A directory under the target name: the temp file is written, the rename fails.
      const target = path.join(dir, 'taken');
      mkdirSync(target);
      writeFileSync(path.join(target, 'inside'), 'old');
      await expect(writeFileAtomically(target, 'new')).rejects.toThrow();
      expect(readFileSync(path.join(target, 'inside'), 'utf8')).toBe('old');
      expect(readdirSync(dir)).toEqual(['taken']);
    });
  });
});
