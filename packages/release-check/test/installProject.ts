// One consumer project of the install test: a fresh npm project installing a case's packages from the local registry, with its TypeScript consumer compiled right after.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type CommandResult, runCommand } from '../src/exec.ts';
import { assertLocalRegistry, type LocalRegistry } from '../src/registry.ts';
import { repoRoot } from '../src/workspace.ts';
import { caseName, type InstallCase } from './installCases.ts';

const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');

/** A consumer project after its install. */
export interface InstallResult {
  dir: string;
  result: CommandResult;
  /** `tsc -p` of the consumer, run as soon as the install is done (overlapping other installs). */
  compiled?: CommandResult;
}

/** Env for the temp projects' processes: no inherited npm settings, a private cache, our registry. */
export function projectEnv(
  registry: LocalRegistry | undefined,
  workDir: string,
  extra: Record<string, string> = {},
): Record<string, string | undefined> {
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

/** Installs `testCase` into `workDir/projects/<case>` from `registry`, then compiles its consumer. */
export async function installProject(
  testCase: InstallCase,
  registry: LocalRegistry | undefined,
  workDir: string,
): Promise<InstallResult> {
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
    env: projectEnv(registry, workDir),
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
