// Tests of writing the report files: a failed rerun leaves the previous report whole, a good one replaces the charts folder.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeReportFiles } from '../src/reportFiles.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'fmnist-report-files-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const first = async () =>
  writeReportFiles(dir, async (write) => {
    await write(path.join(dir, 'compare.json'), '{"run":1}');
    await write(path.join(dir, 'charts', 'a.svg'), '<svg>1</svg>');
    await write(path.join(dir, 'charts', 'b.svg'), '<svg>1</svg>');
    await write(path.join(dir, 'compare.md'), '# run 1');
  });

describe('writeReportFiles', () => {
  it('writes every file and returns their paths', async () => {
    const files = await first();
    expect(files.map((f) => path.relative(dir, f))).toEqual([
      'compare.json',
      path.join('charts', 'a.svg'),
      path.join('charts', 'b.svg'),
      'compare.md',
    ]);
    expect(await readFile(path.join(dir, 'charts', 'b.svg'), 'utf8')).toBe('<svg>1</svg>');
    expect((await readdir(dir)).sort()).toEqual(['charts', 'compare.json', 'compare.md']);
  });

  it('leaves the previous report untouched when a rerun fails before the end', async () => {
    await first();
    const rerun = writeReportFiles(dir, async (write) => {
      await write(path.join(dir, 'compare.json'), '{"run":2}');
      await write(path.join(dir, 'charts', 'a.svg'), '<svg>2</svg>');
      throw new Error('chart b did not render');
    });
    await expect(rerun).rejects.toThrow('chart b did not render');
    expect(await readFile(path.join(dir, 'compare.json'), 'utf8')).toBe('{"run":1}');
    expect((await readdir(path.join(dir, 'charts'))).sort()).toEqual(['a.svg', 'b.svg']);
    expect(await readFile(path.join(dir, 'charts', 'a.svg'), 'utf8')).toBe('<svg>1</svg>');
    expect((await readdir(dir)).sort()).toEqual(['charts', 'compare.json', 'compare.md']);
  });

  it('replaces the charts folder whole on a good rerun: no chart of the earlier run stays', async () => {
    await first();
    await writeReportFiles(dir, async (write) => {
      await write(path.join(dir, 'compare.json'), '{"run":2}');
      await write(path.join(dir, 'charts', 'c.svg'), '<svg>2</svg>');
      await write(path.join(dir, 'compare.md'), '# run 2');
    });
    expect(await readdir(path.join(dir, 'charts'))).toEqual(['c.svg']);
    expect(await readFile(path.join(dir, 'compare.md'), 'utf8')).toBe('# run 2');
    expect((await readdir(dir)).sort()).toEqual(['charts', 'compare.json', 'compare.md']);
  });
});
