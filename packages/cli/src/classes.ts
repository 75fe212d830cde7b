// Class names on the command line and on disk: `--class` lookup and folder-safe names.
import type { DatasetDescriptor } from '@fmnist/core/node';
import { CliError, ExitCode } from './errors.ts';

/**
 * A class name as a file or folder name: every character other than letters, digits, `.`, `_`
 * and `-` becomes `_` (`T-shirt/top` -> `T-shirt_top`, `Ankle boot` -> `Ankle_boot`), and a name
 * that would be empty or start with a dot gets a `_` in front, so it can never be `.`/`..`.
 */
export function sanitizeClassName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '_');
  return safe === '' || safe.startsWith('.') ? `_${safe}` : safe;
}

/**
 * The class id for `--class`: an id (`0`..`9`) or a name, matched exactly, then ignoring case, then
 * by its sanitised form (`t-shirt_top`). Unknown classes are a usage error listing the choices.
 */
export function resolveClass(descriptor: DatasetDescriptor, value: string): number {
  const names = descriptor.classNames;
  const trimmed = value.trim();
  const exact = names.indexOf(trimmed);
  if (exact >= 0) return exact;
  if (/^\d+$/.test(trimmed)) {
    const id = Number(trimmed);
    if (id < names.length) return id;
  }
  const lower = trimmed.toLowerCase();
  const byCase = names.findIndex((n) => n.toLowerCase() === lower);
  if (byCase >= 0) return byCase;
  const bySafe = names.findIndex((n) => sanitizeClassName(n).toLowerCase() === lower);
  if (bySafe >= 0) return bySafe;
  throw new CliError(
    ExitCode.USAGE,
    `Unknown class "${value}" for ${descriptor.title}; use an id from 0 to ${names.length - 1} or one of: ${names.map((n) => `"${n}"`).join(', ')}.`,
  );
}
