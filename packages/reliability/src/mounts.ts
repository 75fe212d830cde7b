// Real file-system faults need real file systems: a tiny tmpfs fills up (ENOSPC) and a tmpfs
// mounted read-only refuses writes (EROFS), even for root. Mounting needs root (or
// CAP_SYS_ADMIN); where it is refused the cases say "not producible" instead of faking it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

let mountable: string | undefined | null = null;

/** Undefined when tmpfs mounts work here; otherwise why not. Probed once per process. */
export function cannotMount(): string | undefined {
  if (mountable !== null) return mountable;
  if (process.platform !== 'linux') {
    mountable = `tmpfs mounts need Linux (this is ${process.platform})`;
    return mountable;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fmnist-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'pipe' });
    execFileSync('umount', [dir], { stdio: 'pipe' });
    mountable = undefined;
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim();
    mountable = `mount -t tmpfs is not permitted here (${stderr.split('\n')[0] || (error as Error).message})`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return mountable;
}

/** Mounts a tmpfs of `size` (e.g. `256k`) on `dir` (created), optionally read-only. */
export function mountTmpfs(dir: string, size: string, readOnly = false): () => void {
  mkdirSync(dir, { recursive: true });
  execFileSync(
    'mount',
    ['-t', 'tmpfs', '-o', `size=${size}${readOnly ? ',ro' : ''}`, 'tmpfs', dir],
    {
      stdio: 'pipe',
    },
  );
  return () => {
    try {
      execFileSync('umount', [dir], { stdio: 'pipe' });
    } catch {
      // Busy (a file still open): detach it lazily rather than leak a mount.
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
    }
  };
}

/** Remounts a mounted tmpfs read-only. */
export function remountReadOnly(dir: string): void {
  execFileSync('mount', ['-o', 'remount,ro', dir], { stdio: 'pipe' });
}

/** True when this process runs as root, where permission bits do not stop reads or writes. */
export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** The unprivileged user root can switch children to (nobody), for permission faults. */
export const NOBODY = { uid: 65534, gid: 65534 };
