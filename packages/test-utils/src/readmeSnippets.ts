// README snippets: extract a README's TypeScript blocks and run them as a user would.
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The fenced TypeScript blocks of a README, in order. */
export function readmeSnippets(readmePath: string): string[] {
  const text = readFileSync(readmePath, 'utf8');
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/**
 * Runs a README snippet as a user would run their script, and returns what it printed. The file
 * is written inside `packageDir` so that imports resolve through that package's workspace
 * dependencies (and the `@fmnist/source` condition), then removed.
 */
export async function runSnippet(
  packageDir: string,
  code: string,
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<string> {
  const file = path.join(packageDir, `.readme-snippet-${process.pid}-${Date.now()}.ts`);
  writeFileSync(file, code);
  try {
    const { stdout } = await run(
      process.execPath,
      ['--conditions=@fmnist/source', '--import', 'tsx', file],
      {
        cwd: packageDir,
        env: { ...process.env, ...options.env },
        timeout: options.timeoutMs ?? 300_000,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    return stdout;
  } finally {
    rmSync(file, { force: true });
  }
}
