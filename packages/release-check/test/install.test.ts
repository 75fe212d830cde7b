// Installing per framework, for real: a local Verdaccio on 127.0.0.1 gets every public package at
// its current version (pnpm publish, as the release does), then fresh npm projects install one
// package and its framework each, import it from ESM, type-check a TypeScript consumer against
// it and run that consumer on a tiny fixture and on the real Fashion-MNIST test split.
// Nothing is published anywhere but 127.0.0.1 (assertLocalRegistry guards every publish).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { realDataDir } from '@fmnist/test-utils';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { formatFailure, runCommand } from '../src/exec.ts';
import { frameworkFamily } from '../src/frameworks.ts';
import { type LocalRegistry, publishToLocal, startRegistry } from '../src/registry.ts';
import { publicPackages, workspacePackages } from '../src/workspace.ts';
import {
  caseName,
  genericCase,
  INSTALL_CASES,
  type InstallCase,
  type SplitSummary,
} from './installCases.ts';
import { installedPackages, typeErrorsOnlyIn } from './installedProject.ts';
import {
  countLabels,
  FIXTURE_COUNT,
  type FixtureDirs,
  fixture,
  pixelSum,
  realTestSplitExpected,
  writeFixtures,
} from './installFixture.ts';
import { type InstallResult, installProject, projectEnv } from './installProject.ts';

const builds = inject('builds');
const allPackages = workspacePackages();
const published = publicPackages();
const keep = process.env.FMNIST_RELEASE_CHECK_KEEP === '1';

const present = new Set(allPackages.map((pkg) => pkg.dirName));
/** For local runs only: `FMNIST_RELEASE_CHECK_ONLY=core,cli` runs just those cases (and says so). */
const only = process.env.FMNIST_RELEASE_CHECK_ONLY?.split(',').filter(Boolean);
const cases: InstallCase[] = [
  ...INSTALL_CASES,
  ...published
    .filter((pkg) => !INSTALL_CASES.some((c) => c.dirName === pkg.dirName))
    .map(genericCase),
].filter((c) => !only || only.includes(caseName(c)));

let workDir = '';
let registry: LocalRegistry | undefined;
const publishErrors = new Map<string, string>();
const installs = new Map<string, Promise<InstallResult>>();
let realExpected: { labelCounts: number[]; pixelSum: number } | undefined;
let fixtureDirs: FixtureDirs;

beforeAll(async () => {
  workDir = mkdtempSync(path.join(os.tmpdir(), 'fmnist-release-install-'));
  fixtureDirs = writeFixtures(workDir);
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
    const promise = installProject(testCase, registry, workDir);
    promise.catch(() => {}); // awaited by the case's tests; never an unhandled rejection
    installs.set(caseName(testCase), promise);
  }
  realExpected = realTestSplitExpected();
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
        env: projectEnv(registry, workDir),
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
          env: projectEnv(registry, workDir, {
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
            env: projectEnv(registry, workDir),
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
