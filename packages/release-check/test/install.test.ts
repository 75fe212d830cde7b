// Installing per framework, for real: a local Verdaccio on 127.0.0.1 gets every public package at
// its current version (pnpm publish, as the release does), then fresh npm projects install one
// package and its framework each, import it from ESM, type-check a TypeScript consumer against
// it and run that consumer on a tiny fixture and on the real Fashion-MNIST test split.
// Nothing is published anywhere but 127.0.0.1 (assertLocalRegistry guards every publish).
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { makeDatasetFiles, realDataDir, realDataFile } from '@fmnist/test-utils';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type CommandResult, formatFailure, runCommand } from '../src/exec.ts';
import { frameworkFamily } from '../src/frameworks.ts';
import {
  assertLocalRegistry,
  type LocalRegistry,
  publishToLocal,
  startRegistry,
} from '../src/registry.ts';
import {
  publicPackages,
  repoRoot,
  type WorkspacePackage,
  workspacePackages,
} from '../src/workspace.ts';
import { INSTALL_CASES, type InstallCase, type SplitSummary } from './installCases.ts';

const builds = inject('builds');
const allPackages = workspacePackages();
const published = publicPackages();
const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
const keep = process.env.FMNIST_RELEASE_CHECK_KEEP === '1';

/** A public package without its own case still gets installed and imported (and a test fails). */
function genericCase(pkg: WorkspacePackage): InstallCase {
  return {
    dirName: pkg.dirName,
    install: [pkg.manifest.name],
    frameworks: [],
    tinyShape: () => [],
    consumer: '',
  };
}

/** A case's id: its `name`, else its package folder. */
function caseName(testCase: InstallCase): string {
  return testCase.name ?? testCase.dirName;
}

const present = new Set(allPackages.map((pkg) => pkg.dirName));
/** For local runs only: `FMNIST_RELEASE_CHECK_ONLY=core,cli` runs just those cases (and says so). */
const only = process.env.FMNIST_RELEASE_CHECK_ONLY?.split(',').filter(Boolean);
const cases: InstallCase[] = [
  ...INSTALL_CASES,
  ...published
    .filter((pkg) => !INSTALL_CASES.some((c) => c.dirName === pkg.dirName))
    .map(genericCase),
].filter((c) => !only || only.includes(caseName(c)));

const FIXTURE_COUNT = 50;
const fixture = makeDatasetFiles({ count: FIXTURE_COUNT, seed: 11 });
const CLASS_NAMES = Array.from({ length: 10 }, (_, i) => `class-${i}`);

let workDir = '';
let registry: LocalRegistry | undefined;
const publishErrors = new Map<string, string>();
const installs = new Map<string, Promise<InstallResult>>();
let realExpected: { labelCounts: number[]; pixelSum: number } | undefined;

interface InstallResult {
  dir: string;
  result: CommandResult;
  /** `tsc -p` of the consumer, run as soon as the install is done (overlapping other installs). */
  compiled?: CommandResult;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function countLabels(labels: Uint8Array): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const label of labels) counts[label]++;
  return counts;
}

function pixelSum(images: Uint8Array): number {
  let total = 0;
  for (const value of images) total += value;
  return total / 255;
}

/** The tiny fixture as a registered dataset (own file names, checksums) and under official names. */
function writeFixtures(): { descriptorPath: string; dir: string; officialNamesDir: string } {
  const dir = path.join(workDir, 'fixture');
  const officialNamesDir = path.join(workDir, 'fixture-official-names');
  mkdirSync(dir, { recursive: true });
  mkdirSync(officialNamesDir, { recursive: true });
  const files = {
    trainImages: [
      'fixture-train-images-idx3-ubyte.gz',
      'train-images-idx3-ubyte.gz',
      fixture.imagesIdxGz,
    ],
    trainLabels: [
      'fixture-train-labels-idx1-ubyte.gz',
      'train-labels-idx1-ubyte.gz',
      fixture.labelsIdxGz,
    ],
    testImages: [
      'fixture-t10k-images-idx3-ubyte.gz',
      't10k-images-idx3-ubyte.gz',
      fixture.imagesIdxGz,
    ],
    testLabels: [
      'fixture-t10k-labels-idx1-ubyte.gz',
      't10k-labels-idx1-ubyte.gz',
      fixture.labelsIdxGz,
    ],
  } as const;
  const descriptorFiles: Record<string, { name: string; bytes: number; sha256: string }> = {};
  for (const [key, [name, officialName, bytes]] of Object.entries(files)) {
    writeFileSync(path.join(dir, name), bytes);
    writeFileSync(path.join(officialNamesDir, officialName), bytes);
    descriptorFiles[key] = { name, bytes: bytes.length, sha256: sha256(bytes) };
  }
  const descriptorPath = path.join(dir, 'descriptor.json');
  writeFileSync(
    descriptorPath,
    JSON.stringify({
      id: 'release-check-fixture',
      title: 'Release check fixture',
      files: descriptorFiles,
      classNames: CLASS_NAMES,
      mirrors: [],
      imageShape: [28, 28],
      counts: { train: FIXTURE_COUNT, test: FIXTURE_COUNT },
    }),
  );
  return { descriptorPath, dir, officialNamesDir };
}

let fixtureDirs: ReturnType<typeof writeFixtures>;

/** Env for the temp projects' processes: no inherited npm settings, a private cache, our registry. */
function projectEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  if (!registry) throw new Error('the local registry did not start');
  return {
    npm_config_registry: registry.url,
    npm_config_userconfig: registry.npmrcPath,
    npm_config_cache: path.join(workDir, 'npm-cache'),
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    FMNIST_DATA_DIR: undefined,
    FMNIST_MNIST_DIR: undefined,
    FMNIST_CACHE_DIR: path.join(workDir, 'fmnist-cache'),
    NO_COLOR: '1',
    ...extra,
  };
}

async function install(testCase: InstallCase): Promise<InstallResult> {
  if (!registry) throw new Error('the local registry did not start');
  assertLocalRegistry(registry.url);
  const dir = path.join(workDir, 'projects', caseName(testCase));
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name: `consumer-${caseName(testCase)}`,
      version: '0.0.0',
      private: true,
      type: 'module',
    }),
  );
  const args = [
    'install',
    '--registry',
    registry.url,
    '--cache',
    path.join(workDir, 'npm-cache'),
    '--no-audit',
    '--no-fund',
    '--loglevel=error',
    ...(testCase.installFlags ?? []),
    ...testCase.install,
    // For the TypeScript consumer only; it brings no framework.
    '@types/node@20',
  ];
  const result = await runCommand('npm', args, {
    cwd: dir,
    env: projectEnv(),
    dropNpmEnv: true,
    timeoutMs: 480_000,
  });
  if (result.code !== 0 || !testCase.consumer) return { dir, result };
  writeFileSync(path.join(dir, 'consumer.ts'), testCase.consumer);
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        types: ['node'],
        outDir: 'out',
        skipLibCheck: false,
      },
      files: ['consumer.ts'],
    }),
  );
  const compiled = await runCommand(process.execPath, [tsc, '-p', 'tsconfig.json'], {
    cwd: dir,
    timeoutMs: 240_000,
  });
  return { dir, result, compiled };
}

beforeAll(async () => {
  workDir = mkdtempSync(path.join(os.tmpdir(), 'fmnist-release-install-'));
  fixtureDirs = writeFixtures();
  registry = await startRegistry({ workDir: path.join(workDir, 'registry') });
  for (const pkg of published) {
    if (!builds[pkg.manifest.name]?.ok) continue;
    try {
      await publishToLocal(pkg, registry);
    } catch (error) {
      publishErrors.set(pkg.manifest.name, (error as Error).message);
    }
  }
  // All installs at once: they wait on the network far more than on the 2 CPUs.
  for (const testCase of cases) {
    if (!present.has(testCase.dirName)) continue;
    const promise = install(testCase);
    promise.catch(() => {}); // awaited by the case's tests; never an unhandled rejection
    installs.set(caseName(testCase), promise);
  }
  // The expected values come straight from the IDX bytes (header 8 / 16 bytes), not from core.
  const labels = gunzipSync(readFileSync(realDataFile('t10k-labels-idx1-ubyte.gz'))).subarray(8);
  const images = gunzipSync(readFileSync(realDataFile('t10k-images-idx3-ubyte.gz'))).subarray(16);
  realExpected = { labelCounts: countLabels(labels), pixelSum: pixelSum(images) };
}, 600_000);

afterAll(async () => {
  await Promise.allSettled(installs.values());
  await registry?.stop();
  if (workDir && !keep) rmSync(workDir, { recursive: true, force: true });
  else if (workDir) console.log(`kept ${workDir} (FMNIST_RELEASE_CHECK_KEEP=1)`);
});

it.runIf(only !== undefined)(
  'runs only FMNIST_RELEASE_CHECK_ONLY (a local run, not a release check)',
  () => {
    throw new Error(
      `FMNIST_RELEASE_CHECK_ONLY=${only?.join(',')}: the other install cases did not run`,
    );
  },
);

it('every public package has its own install case', () => {
  const missing = published.filter((pkg) => !INSTALL_CASES.some((c) => c.dirName === pkg.dirName));
  expect(
    missing.map((pkg) => pkg.manifest.name),
    'add these to test/installCases.ts (they only get the generic import test)',
  ).toEqual([]);
});

/**
 * The packages tsc's errors are in, when every error is inside one of `prefixes` (paths under
 * node_modules/); `undefined` when any error is elsewhere (our .d.ts files, the consumer).
 * tsc still emits the consumer when it reports errors, so it can run afterwards.
 */
function typeErrorsOnlyIn(output: string, prefixes: readonly string[]): string[] | undefined {
  const files = [...output.matchAll(/^(\S[^(\n]*)\(\d+,\d+\): error TS\d+/gm)].map((m) => m[1]);
  if (files.length === 0) return undefined;
  const packages = new Set<string>();
  for (const file of files) {
    const inside = file.match(/(?:^|\/)node_modules\/((?:(?!node_modules\/).)*)$/)?.[1];
    const prefix = inside && prefixes.find((candidate) => inside.startsWith(candidate));
    if (!prefix || inside.startsWith('@fmnist/')) return undefined;
    packages.add(
      inside
        .split('/')
        .slice(0, inside.startsWith('@') ? 2 : 1)
        .join('/'),
    );
  }
  return [...packages];
}

/** Package names in node_modules, nested ones included. */
function installedPackages(
  nodeModules: string,
  found = new Map<string, string>(),
): Map<string, string> {
  if (!existsSync(nodeModules)) return found;
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(nodeModules, entry.name);
    const dirs = entry.name.startsWith('@')
      ? readdirSync(full).map((child) => path.join(full, child))
      : [full];
    for (const dir of dirs) {
      const manifestPath = path.join(dir, 'package.json');
      if (!existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name) found.set(`${manifest.name}@${manifest.version}`, dir);
      installedPackages(path.join(dir, 'node_modules'), found);
    }
  }
  return found;
}

for (const testCase of cases) {
  const pkg = allPackages.find((candidate) => candidate.dirName === testCase.dirName);
  const title = `${pkg?.manifest.name ?? `packages/${testCase.dirName}`}: npm install ${[...(testCase.installFlags ?? []), ...testCase.install].join(' ')}`;
  if (!pkg) {
    // Only an absent folder is skipped: the moment packages/<dir> exists, the case runs.
    describe.skip(`${title} (packages/${testCase.dirName} does not exist yet)`, () => {
      it('installs', () => {});
    });
    continue;
  }

  describe(title, () => {
    const setup = async (): Promise<InstallResult> => {
      if (pkg.manifest.private) {
        throw new Error(
          `packages/${testCase.dirName} is private: it is never published, so it cannot be installed`,
        );
      }
      const build = builds[pkg.manifest.name];
      if (!build?.ok) throw new Error(`${pkg.manifest.name} did not build:\n${build?.output}`);
      const publishError = publishErrors.get(pkg.manifest.name);
      if (publishError) throw new Error(`publishing to Verdaccio failed:\n${publishError}`);
      const installed = await installs.get(caseName(testCase));
      if (!installed) throw new Error('the install did not start');
      if (installed.result.code !== 0) {
        throw new Error(
          `${formatFailure(installed.result, installed.dir)}\nVerdaccio:\n${registry?.log()}`,
        );
      }
      return installed;
    };

    it('installs from the local registry, with the versions just published', async () => {
      const { dir } = await setup();
      const lock = JSON.parse(readFileSync(path.join(dir, 'package-lock.json'), 'utf8')) as {
        packages: Record<string, { version?: string; resolved?: string }>;
      };
      for (const [location, entry] of Object.entries(lock.packages)) {
        if (location === '' || !entry.resolved) continue;
        expect(entry.resolved, location).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
        const name = location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length);
        const local = published.find((candidate) => candidate.manifest.name === name);
        if (local) expect(entry.version, name).toBe(local.manifest.version);
      }
      expect(Object.keys(lock.packages)).toContain(`node_modules/${pkg.manifest.name}`);
    });

    it('brings in no other framework', async () => {
      const { dir } = await setup();
      const foreign = [...installedPackages(path.join(dir, 'node_modules')).keys()].filter((id) => {
        const family = frameworkFamily(id.slice(0, id.lastIndexOf('@')));
        return family !== undefined && !testCase.frameworks.includes(family);
      });
      expect(
        foreign,
        `installing ${testCase.install.join(' ')} pulled in other frameworks`,
      ).toEqual([]);
    });

    /**
     * Loads every export the installed package's exports map offers (no JSON, no patterns) in a
     * fresh Node, with `import()` from ESM or `require()` from CommonJS, and fails on an error or
     * an empty module.
     */
    const loadEveryExport = async (how: 'import' | 'require'): Promise<void> => {
      const { dir } = await setup();
      const installed = JSON.parse(
        readFileSync(path.join(dir, 'node_modules', pkg.manifest.name, 'package.json'), 'utf8'),
      ) as { exports?: Record<string, unknown> };
      const specifiers = Object.keys(installed.exports ?? { '.': '' })
        .filter((subpath) => !subpath.endsWith('.json') && !subpath.includes('*'))
        .map((subpath) => pkg.manifest.name + subpath.slice(1));
      const script = `for (const s of ${JSON.stringify(specifiers)}) {
        const m = ${how === 'import' ? 'await import(s)' : 'require(s)'};
        if (Object.keys(m).length === 0) throw new Error(s + ' has no exports');
        console.log(s, Object.keys(m).length);
      }`;
      const inputType = how === 'import' ? '--input-type=module' : '--input-type=commonjs';
      const result = await runCommand(process.execPath, [inputType, '-e', script], {
        cwd: dir,
        env: projectEnv(),
        dropNpmEnv: true,
        timeoutMs: 120_000,
      });
      if (result.code !== 0) throw new Error(formatFailure(result, dir));
    };

    it('imports every export from ESM', () => loadEveryExport('import'));

    // The READMEs say the packages are ESM and that require() works on Node >= 20.19
    // (require(esm), unflagged in 20.19 and 22.12): checked on the Node running this test.
    const [major, minor] = process.versions.node.split('.').map(Number);
    const requireEsm = (major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major > 22;
    it.runIf(requireEsm)('requires every export from CommonJS (require(esm))', () =>
      loadEveryExport('require'),
    );

    if (testCase.consumer) {
      it('type-checks a TypeScript consumer (nodenext) and runs it on a tiny fixture and the real test split', async () => {
        const { dir, compiled } = await setup();
        if (!compiled) throw new Error('the consumer was not compiled');
        if (compiled.code !== 0) {
          const tolerated = typeErrorsOnlyIn(compiled.stdout, testCase.thirdPartyTypeErrors ?? []);
          if (!tolerated) throw new Error(formatFailure(compiled, dir));
          console.log(`${pkg.manifest.name}: tolerated type errors inside ${tolerated.join(', ')}`);
        }

        const ran = await runCommand(process.execPath, ['out/consumer.js'], {
          cwd: dir,
          env: projectEnv({
            FIXTURE_DESCRIPTOR: fixtureDirs.descriptorPath,
            FIXTURE_DIR: fixtureDirs.dir,
            REAL_DIR: realDataDir(),
          }),
          dropNpmEnv: true,
          timeoutMs: 180_000,
        });
        if (ran.code !== 0) throw new Error(formatFailure(ran, dir));
        const lastLine = ran.stdout.trim().split('\n').at(-1) ?? '';
        const { tiny, real } = JSON.parse(lastLine) as { tiny: SplitSummary; real: SplitSummary };

        expect(tiny.count).toBe(FIXTURE_COUNT);
        expect(tiny.shape).toEqual(testCase.tinyShape(FIXTURE_COUNT));
        expect(tiny.labelCounts).toEqual(countLabels(fixture.labels));
        expect(tiny.pixelSum).toBeCloseTo(pixelSum(fixture.images), 2);

        expect(real.count).toBe(10_000);
        expect(real.shape).toEqual(testCase.tinyShape(10_000));
        expect(real.labelCounts).toEqual(realExpected?.labelCounts);
        expect(Math.abs(real.pixelSum - (realExpected?.pixelSum ?? 0))).toBeLessThan(
          1e-5 * (realExpected?.pixelSum ?? 0),
        );
      });
    }

    if (testCase.bin) {
      const bin = testCase.bin;
      it(`runs the ${bin} binary on a tiny fixture and the real test split`, async () => {
        const { dir } = await setup();
        const binPath = path.join(dir, 'node_modules', '.bin', bin);
        const run = (args: string[]) =>
          runCommand(binPath, args, {
            cwd: dir,
            env: projectEnv(),
            dropNpmEnv: true,
            timeoutMs: 120_000,
          });

        const version = await run(['--version']);
        expect(version.stdout.trim(), formatFailure(version)).toBe(pkg.manifest.version);

        // Fixture files under the official names: every one is reported, and the exit code says so.
        const tiny = await run(['verify', '--data-dir', fixtureDirs.officialNamesDir]);
        expect(tiny.code, formatFailure(tiny)).toBe(1);
        expect(tiny.stdout.match(/MISMATCH/g)?.length, formatFailure(tiny)).toBe(4);

        const info = await run(['info', '--json', '--data-dir', realDataDir()]);
        if (info.code !== 0) throw new Error(formatFailure(info, dir));
        const document = JSON.parse(info.stdout) as { test: { count: number; perClass: number[] } };
        expect(document.test.count).toBe(10_000);
        expect(document.test.perClass).toEqual(realExpected?.labelCounts);

        const verify = await run(['verify', '--data-dir', realDataDir()]);
        if (verify.code !== 0) throw new Error(formatFailure(verify, dir));
      });
    }
  });
}

it.runIf(cases.some((c) => !present.has(c.dirName)))(
  'lists the cases that wait for their package folder',
  () => {
    const waiting = cases
      .filter((c) => !present.has(c.dirName))
      .map((c) => `packages/${c.dirName}`);
    console.log(`install cases waiting for their package: ${waiting.join(', ')}`);
  },
);
