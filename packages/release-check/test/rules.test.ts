// The release rules on synthetic packages: each rule is shown to catch what it is for, so a
// clean report on the real packages means something.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatPlan } from '../src/changesets.ts';
import { frameworkFamily } from '../src/frameworks.ts';
import { assertLocalRegistry, verdaccioConfig } from '../src/registry.ts';
import {
  checkManifest,
  checkReadme,
  checkTarball,
  importedPackages,
  packageOfSpecifier,
} from '../src/rules.ts';
import { parseRange, satisfies } from '../src/semver.ts';
import { readTarball, type TarballFile } from '../src/tarball.ts';
import type { Manifest } from '../src/workspace.ts';

const file = (filePath: string, text = ''): TarballFile => ({
  path: filePath,
  data: new TextEncoder().encode(text),
});

function goodManifest(overrides: Partial<Manifest> = {}): Manifest {
  return {
    name: '@fmnist/tfjs',
    version: '1.2.3',
    description: 'tensors',
    type: 'module',
    license: 'MIT',
    engines: { node: '>=20' },
    repository: {
      type: 'git',
      url: 'git+https://example.test/fmnist.git',
      directory: 'packages/tfjs',
    },
    keywords: ['fashion-mnist'],
    sideEffects: false,
    main: './dist/index.js',
    types: './dist/index.d.ts',
    exports: {
      '.': {
        '@fmnist/source': './src/index.ts',
        types: './dist/index.d.ts',
        default: './dist/index.js',
      },
      './package.json': './package.json',
    },
    files: ['dist', 'src'],
    dependencies: { '@fmnist/core': '1.2.3' },
    peerDependencies: { '@tensorflow/tfjs-core': '>=4.0.0 <5' },
    devDependencies: { '@tensorflow/tfjs-core': '4.22.0' },
    ...overrides,
  };
}

const context = {
  dirName: 'tfjs',
  coreVersion: '1.2.3',
  imports: new Set(['@fmnist/core', '@tensorflow/tfjs-core']),
};

describe('checkManifest', () => {
  it('accepts a complete adapter manifest', () => {
    expect(checkManifest(goodManifest(), context)).toEqual([]);
  });

  it('reports every missing publishing field', () => {
    const problems = checkManifest(
      goodManifest({
        type: undefined,
        description: '',
        license: undefined,
        engines: undefined,
        repository: 'fmnist/fmnist',
        keywords: [],
        sideEffects: undefined,
        types: undefined,
        files: undefined,
        exports: { '.': './dist/index.js' },
      }),
      context,
    ).join('\n');
    for (const field of [
      '"type"',
      '"description"',
      '"license"',
      '"engines.node"',
      '"repository"',
      '"keywords"',
      '"sideEffects"',
      '"types"',
      '"files"',
      'exports["."]',
    ]) {
      expect(problems).toContain(field);
    }
  });

  it('wants repository.directory to name the package folder', () => {
    expect(checkManifest(goodManifest(), { ...context, dirName: 'onnx' }).join()).toContain(
      'packages/onnx',
    );
  });

  it('refuses a framework in dependencies and an untested or open peer range', () => {
    expect(
      checkManifest(
        goodManifest({ dependencies: { '@fmnist/core': '1.2.3', 'onnxruntime-web': '1.30.0' } }),
        context,
      ).join(),
    ).toContain('onnxruntime-web is in "dependencies"');
    expect(
      checkManifest(
        goodManifest({ peerDependencies: { '@tensorflow/tfjs-core': '*' } }),
        context,
      ).join(),
    ).toContain('give a version range');
    expect(checkManifest(goodManifest({ devDependencies: {} }), context).join()).toContain(
      'the range is not tested',
    );
    expect(
      checkManifest(
        goodManifest({ devDependencies: { '@tensorflow/tfjs-core': '5.0.0' } }),
        context,
      ).join(),
    ).toContain('outside the peer range');
  });

  it('wants @fmnist/core as a normal dependency at the released version', () => {
    expect(checkManifest(goodManifest({ dependencies: {} }), context).join()).toContain(
      'must be in "dependencies"',
    );
    expect(
      checkManifest(goodManifest({ dependencies: { '@fmnist/core': '^1.0.0' } }), context).join(),
    ).toContain('expected the released version 1.2.3');
    expect(
      checkManifest(
        goodManifest({ dependencies: { '@fmnist/core': 'workspace:*' } }),
        context,
      ).join(),
    ).toContain('publish with pnpm');
  });

  it('wants every imported package declared, frameworks as peers', () => {
    const imports = new Set([...context.imports, 'protobufjs', 'brain.js']);
    const problems = checkManifest(
      goodManifest({
        dependencies: { '@fmnist/core': '1.2.3', 'brain.js': '1.6.1' },
        devDependencies: { '@tensorflow/tfjs-core': '4.22.0', protobufjs: '8.8.1' },
      }),
      { ...context, imports },
    ).join('\n');
    expect(problems).toContain(
      'imports "protobufjs" but package.json does not declare it (it is only a devDependency)',
    );
    expect(problems).toContain('declare it in "peerDependencies"');
  });

  it('refuses install scripts', () => {
    expect(
      checkManifest(goodManifest({ scripts: { postinstall: 'node x.js' } }), context).join(),
    ).toContain('scripts.postinstall');
  });
});

describe('checkTarball', () => {
  const license = 'MIT License\n\nCopyright (c) fmnist';
  const base = [
    file('package.json', '{}'),
    file('README.md', 'pnpm add @fmnist/tfjs @tensorflow/tfjs'),
    file('LICENSE', license),
    file('dist/index.js', 'export const x = 1;'),
    file('dist/index.d.ts', 'export declare const x = 1;'),
    file('src/index.ts', 'export const x = 1;'),
  ];
  const check = (files: TarballFile[]) =>
    checkTarball(files, { manifest: goodManifest(), rootLicense: license });

  it('accepts a clean tarball', () => {
    expect(check(base)).toEqual([]);
  });

  it('finds tests, fixtures, benchmarks and data', () => {
    const problems = check([
      ...base,
      file('test/load.test.js'),
      file('dist/idx.spec.js'),
      file('fixtures/a.json'),
      file('bench/load.bench.ts'),
      file('data/t10k-images-idx3-ubyte.gz'),
      file('dist/train-labels-idx1-ubyte'),
      file('model.onnx'),
      file('tsconfig.build.tsbuildinfo'),
    ]);
    expect(problems).toHaveLength(8);
  });

  it('wants README with an install line and the repository LICENSE', () => {
    const withoutDocs = base.filter((f) => f.path !== 'README.md' && f.path !== 'LICENSE');
    expect(check(withoutDocs).join('\n')).toMatch(/README.md is missing[\s\S]*LICENSE is missing/);
    const edited = base.map((f) =>
      f.path === 'README.md'
        ? file('README.md', '# tfjs')
        : f.path === 'LICENSE'
          ? file('LICENSE', 'ISC')
          : f,
    );
    expect(check(edited).join('\n')).toMatch(/no install line[\s\S]*LICENSE differs/);
  });

  it('finds source maps that point at missing files, and accepts inlined sources', () => {
    const problems = check([
      ...base.filter((f) => f.path !== 'dist/index.js'),
      file('dist/index.js', 'export const x = 1;\n//# sourceMappingURL=index.js.map\n'),
      file('dist/other.js', 'export {};\n//# sourceMappingURL=other.js.map'),
      file(
        'dist/index.js.map',
        JSON.stringify({ version: 3, sources: ['../src/index.ts', '../src/gone.ts'] }),
      ),
      file(
        'dist/inline.js.map',
        JSON.stringify({ version: 3, sources: ['../src/x.ts'], sourcesContent: ['x'] }),
      ),
    ]);
    expect(problems).toEqual([
      'dist/other.js: sourceMappingURL "other.js.map" points at a file not in the tarball',
      'dist/index.js.map: source "../src/gone.ts" is not in the tarball (and not inlined)',
    ]);
  });

  it('finds package.json targets missing from the tarball', () => {
    const problems = check(base.filter((f) => f.path !== 'dist/index.d.ts'));
    expect(problems).toEqual([
      'package.json points at "dist/index.d.ts", which is not in the tarball',
    ]);
  });
});

describe('importedPackages', () => {
  it('reads static, dynamic and require imports, and skips builtins, relatives and comments', () => {
    const code = `
      /** @example import * as ort from 'onnxruntime-web'; */
      // import x from 'commented-out';
      import { a } from '@fmnist/core/node';
      import type { T } from '@tensorflow/tfjs-core';
      export { b } from './b.js';
      import 'side-effect';
      const fs = await import('node:fs');
      const z = await import("pngjs");
      const c = require('commander');
      import { gunzipSync } from 'zlib';
    `;
    expect(
      [
        ...importedPackages([file('dist/index.js', code), file('README.md', "from 'readme-only'")]),
      ].sort(),
    ).toEqual(['@fmnist/core', '@tensorflow/tfjs-core', 'commander', 'pngjs', 'side-effect']);
    expect(packageOfSpecifier('fs/promises')).toBeUndefined();
    expect(packageOfSpecifier('#internal')).toBeUndefined();
  });
});

describe('semver subset', () => {
  it.each([
    ['4.22.0', '>=4.0.0 <5', true],
    ['5.0.0', '>=4.0.0 <5', false],
    ['1.6.1', '>=1.6.1 <3 || 2.0.0-beta.24', true],
    ['2.0.0-beta.24', '>=1.6.1 <3 || 2.0.0-beta.24', true],
    ['2.0.0-beta.23', '>=1.6.1 <3 || 2.0.0-beta.24', false],
    ['1.30.0', '>=1.17.0 <2', true],
    ['4.22.0', '^4', true],
    ['4.22.0', '^4.23', false],
    ['0.2.5', '^0.2.1', true],
    ['0.3.0', '^0.2.1', false],
    ['1.2.9', '~1.2.3', true],
    ['1.3.0', '~1.2.3', false],
    ['4.1.0', '4.x', true],
    ['4.1.0', '<=4.1', true],
    ['4.2.0', '<=4.1', false],
    ['3.0.0', '>2', true],
    ['2.9.9', '>2', false],
    ['1.0.0', '*', true],
  ])('%s in "%s" is %s', (version, range, expected) => {
    expect(satisfies(version, range)).toBe(expected);
  });

  it('rejects what it cannot read', () => {
    expect(parseRange('1 - 2')).toBeUndefined();
    expect(parseRange('latest')).toBeUndefined();
    expect(parseRange('workspace:*')).toBeUndefined();
  });
});

describe('frameworkFamily', () => {
  it('groups the framework packages', () => {
    expect(frameworkFamily('@tensorflow/tfjs-backend-wasm')).toBe('tfjs');
    expect(frameworkFamily('onnxruntime-common')).toBe('onnx');
    expect(frameworkFamily('gpu.js')).toBe('brain');
    expect(frameworkFamily('brain.js')).toBe('brain');
    expect(frameworkFamily('@fmnist/core')).toBeUndefined();
  });
});

describe('local registry guard', () => {
  it('only ever talks to 127.0.0.1 over http', () => {
    expect(() => assertLocalRegistry('http://127.0.0.1:4873/')).not.toThrow();
    expect(() => assertLocalRegistry('https://registry.npmjs.org/')).toThrow(/Refusing/);
    expect(() => assertLocalRegistry('http://localhost:4873/')).toThrow(/Refusing/);
    expect(() => assertLocalRegistry('http://127.0.0.1.example.com/')).toThrow(/Refusing/);
  });

  it('never proxies @fmnist packages from an uplink', () => {
    const config = verdaccioConfig('/tmp/x', 'https://registry.npmjs.org/');
    const scoped = config.slice(config.indexOf("'@fmnist/*'"), config.indexOf("'**'"));
    expect(scoped).not.toContain('proxy');
    expect(config.slice(config.indexOf("'**'"))).toContain('proxy: npmjs');
  });
});

describe('readTarball', () => {
  it('reads the files of a gzipped tar, long names included', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fmnist-tar-'));
    try {
      const long = `${'deep/'.repeat(30)}file.txt`;
      mkdirSync(path.join(dir, 'package', path.dirname(long)), { recursive: true });
      writeFileSync(path.join(dir, 'package', 'package.json'), '{"name":"x"}');
      writeFileSync(path.join(dir, 'package', long), 'long');
      execFileSync('tar', ['-czf', 'x.tgz', 'package'], { cwd: dir });
      const files = readTarball(readFileSync(path.join(dir, 'x.tgz')));
      const byPath = new Map(files.map((f) => [f.path, Buffer.from(f.data).toString('utf8')]));
      expect(byPath.get('package.json')).toBe('{"name":"x"}');
      expect(byPath.get(long)).toBe('long');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('formatPlan', () => {
  it('prints the changesets and the version each package moves to', () => {
    const lines = formatPlan(
      {
        changesets: [
          { id: 'core-first', summary: 'x', releases: [{ name: '@fmnist/core', type: 'minor' }] },
        ],
        releases: [
          {
            name: '@fmnist/core',
            type: 'minor',
            oldVersion: '0.0.0',
            newVersion: '0.1.0',
            changesets: ['core-first'],
          },
          {
            name: '@fmnist/tfjs',
            type: 'minor',
            oldVersion: '0.0.0',
            newVersion: '0.1.0',
            changesets: [],
          },
        ],
      },
      ['@fmnist/core', '@fmnist/tfjs', '@fmnist/new'],
    );
    expect(lines.slice(1)).toEqual([
      '  core-first: @fmnist/core minor',
      '  @fmnist/core: 0.0.0 -> 0.1.0 (minor)',
      '  @fmnist/tfjs: 0.0.0 -> 0.1.0 (minor)',
      '  @fmnist/new: not in the plan (a new package? run `pnpm changeset`)',
    ]);
  });
});

describe('checkReadme', () => {
  const fence = '```';
  it('wants every package the examples import on an install line (pnpm does not hoist)', () => {
    const readme = `# x\n\n${fence}sh\npnpm add @fmnist/tfjs @tensorflow/tfjs@4\n${fence}\n\n${fence}ts\nimport { loadDataset } from '@fmnist/core/node';\nimport * as tf from '@tensorflow/tfjs';\nimport { readFileSync } from 'node:fs';\n${fence}\n`;
    expect(checkReadme(readme, '@fmnist/tfjs')).toEqual([
      expect.stringContaining('README.md imports "@fmnist/core"'),
    ]);
    expect(
      checkReadme(readme.replace('pnpm add', 'pnpm add @fmnist/core'), '@fmnist/tfjs'),
    ).toEqual([]);
  });

  it('reads global installs and comments', () => {
    expect(
      checkReadme('pnpm add -g @fmnist/cli   # or: npm install -g @fmnist/cli', '@fmnist/cli'),
    ).toEqual([]);
    expect(checkReadme('# @fmnist/cli', '@fmnist/cli')[0]).toContain('no install line');
  });
});
