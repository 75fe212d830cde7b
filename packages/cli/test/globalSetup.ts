// Builds @fmnist/core and @fmnist/cli (tsc, a few seconds) so that the spawned `fmnist` binary
// runs the current sources: bin/fmnist.js imports dist/, which imports core's dist/.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export default function setup(): void {
  execFileSync('pnpm', ['--filter', '@fmnist/core', '--filter', '@fmnist/cli', 'build'], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
}
