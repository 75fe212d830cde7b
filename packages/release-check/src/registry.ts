// A throwaway Verdaccio registry on 127.0.0.1 that the install tests publish to.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { toolBin } from './checks.ts';
import { formatFailure, runCommand } from './exec.ts';
import { manifestTargets } from './rules.ts';
import type { WorkspacePackage } from './workspace.ts';

/** A Verdaccio registry running on 127.0.0.1 for one test run. */
export interface LocalRegistry {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  port: number;
  /** An `.npmrc` with `registry=` and the auth token line for this registry. */
  npmrcPath: string;
  /** Everything Verdaccio printed so far (for failure messages). */
  log(): string;
  /** Stops Verdaccio and waits for it to exit. */
  stop(): Promise<void>;
}

/** Options of {@link startRegistry}. */
export interface StartRegistryOptions {
  /** A fresh folder for the config, storage and htpasswd; removed by the caller. */
  workDir: string;
  /** Where packages that are not `@fmnist/*` come from; default the public npm registry. */
  uplink?: string;
}

/**
 * Throws unless `url` is a registry on 127.0.0.1. Called before every publish and install: the
 * release checks must never publish anywhere else, whatever the environment or `.npmrc` says.
 */
export function assertLocalRegistry(url: string): void {
  const parsed = new URL(url);
  if (parsed.hostname !== '127.0.0.1' || parsed.protocol !== 'http:') {
    throw new Error(`Refusing to use registry ${url}: the release checks only talk to 127.0.0.1`);
  }
}

/** Debian's (and Ubuntu's) bundle of the system's trusted CAs, locally added ones included. */
const SYSTEM_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/**
 * Extra CAs for Verdaccio's uplink. Node trusts only its bundled CAs; behind a TLS-inspecting
 * proxy the machine's own CA comes from NODE_EXTRA_CA_CERTS, which turbo's strict env mode does
 * not pass to tasks. Falling back to the system bundle *adds* the machine's CAs (Node's own stay
 * trusted), so the uplink works the same under `pnpm test` as in a shell.
 */
function uplinkTlsEnv(): Record<string, string> {
  if (process.env.NODE_EXTRA_CA_CERTS) return {};
  return existsSync(SYSTEM_CA_BUNDLE) ? { NODE_EXTRA_CA_CERTS: SYSTEM_CA_BUNDLE } : {};
}

/** A port that was free a moment ago (Verdaccio cannot report one it picked itself). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The Verdaccio config: `@fmnist/*` lives only here (no uplink, so a public package of the same
 * name can never be mixed in) and anyone may publish it; everything else is proxied from npm.
 */
export function verdaccioConfig(workDir: string, uplink: string): string {
  return [
    `storage: ${JSON.stringify(path.join(workDir, 'storage'))}`,
    'auth:',
    '  htpasswd:',
    `    file: ${JSON.stringify(path.join(workDir, 'htpasswd'))}`,
    '    max_users: 10',
    'uplinks:',
    '  npmjs:',
    `    url: ${JSON.stringify(uplink)}`,
    '    timeout: 120s',
    '    max_fails: 5',
    'packages:',
    "  '@fmnist/*':",
    '    access: $all',
    '    publish: $all',
    '    unpublish: $all',
    "  '**':",
    '    access: $all',
    '    publish: $authenticated',
    '    proxy: npmjs',
    // Adapter tarballs are small, but a framework proxied through here is not.
    'max_body_size: 1000mb',
    'web:',
    '  enable: false',
    'log: { type: stdout, format: pretty, level: warn }',
    '',
  ].join('\n');
}

async function waitForPing(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`Verdaccio exited with ${child.exitCode} while starting:\n${log()}`);
    }
    try {
      const response = await fetch(new URL('-/ping', url));
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Verdaccio did not answer ${url}-/ping within 60 s:\n${log()}`);
}

/** Creates a user through the CouchDB-style endpoint npm's `adduser` uses; returns its token. */
async function createUser(url: string): Promise<string> {
  const name = 'fmnist-release-check';
  const response = await fetch(new URL(`-/user/org.couchdb.user:${name}`, url), {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password: 'local-only-password', type: 'user', roles: [] }),
  });
  const body = (await response.json()) as { token?: string };
  if (!response.ok || !body.token) {
    throw new Error(`Creating a Verdaccio user failed: ${response.status} ${JSON.stringify(body)}`);
  }
  return body.token;
}

/** Starts Verdaccio on 127.0.0.1 with a config, storage and user written into `workDir`. */
export async function startRegistry(options: StartRegistryOptions): Promise<LocalRegistry> {
  const { workDir, uplink = 'https://registry.npmjs.org/' } = options;
  mkdirSync(path.join(workDir, 'storage'), { recursive: true });
  const configPath = path.join(workDir, 'verdaccio.yaml');
  writeFileSync(configPath, verdaccioConfig(workDir, uplink));
  const bin = toolBin('verdaccio', 'verdaccio');

  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/`;
    assertLocalRegistry(url);
    let output = '';
    const child = spawn(
      process.execPath,
      [bin, '--config', configPath, '--listen', `127.0.0.1:${port}`],
      {
        cwd: workDir,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NODE_NO_WARNINGS: '1', ...uplinkTlsEnv() },
      },
    );
    const append = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    const stop = async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    };
    try {
      await waitForPing(url, child, () => output);
      const token = await createUser(url);
      const npmrcPath = path.join(workDir, '.npmrc');
      writeFileSync(npmrcPath, `registry=${url}\n//127.0.0.1:${port}/:_authToken=${token}\n`);
      return { url, port, npmrcPath, log: () => output, stop };
    } catch (error) {
      lastError = error;
      await stop();
    }
  }
  throw lastError;
}

/**
 * `pnpm publish` of one workspace package to the local registry, at its current version (pnpm
 * replaces `workspace:` versions with real ones, as it does for the real release).
 */
export async function publishToLocal(
  pkg: WorkspacePackage,
  registry: LocalRegistry,
): Promise<void> {
  assertLocalRegistry(registry.url);
  // A clear message instead of a broken install later, e.g. when dist/ was cleaned after the build.
  const missing = manifestTargets(pkg.manifest).filter(
    (target) => !existsSync(path.join(pkg.dir, target)),
  );
  if (missing.length > 0) {
    throw new Error(
      `${pkg.manifest.name}: ${missing.join(', ')} missing at publish time (was dist/ cleaned or rebuilt after the build?)`,
    );
  }
  const result = await runCommand(
    'pnpm',
    ['publish', '--registry', registry.url, '--no-git-checks', '--access', 'public'],
    {
      cwd: pkg.dir,
      env: {
        // Only this child sees the local registry and its token.
        npm_config_userconfig: registry.npmrcPath,
        npm_config_registry: registry.url,
        NO_COLOR: '1',
      },
      timeoutMs: 120_000,
      dropNpmEnv: true,
    },
  );
  if (result.code !== 0) {
    throw new Error(`${formatFailure(result, pkg.dir)}\nVerdaccio log:\n${registry.log()}`);
  }
}
