// `fmnist verify`: the sha256 of every file of a dataset against its descriptor.
import { expectedChecksum } from '@fmnist/core/node';
import { hashFile } from './checksums.ts';
import { defineCommand } from './command.ts';
import type { CommandContext } from './context.ts';
import { ExitCode, type ExitCodeValue } from './errors.ts';
import { isFound, locateFiles, missingMessage } from './locate.ts';
import type { CommonOptions } from './options.ts';
import { resolveTarget } from './target.ts';

/** Result of checking one file, as `fmnist verify` prints it. */
export interface VerifyLine {
  /** File name from the descriptor. */
  file: string;
  /** `ok`, `mismatch`, `missing`, or `unchecked` when the descriptor has no sha256. */
  status: 'ok' | 'mismatch' | 'missing' | 'unchecked';
  /** Where the file was found. */
  path?: string;
  /** Its sha256. */
  sha256?: string;
  /** The sha256 the descriptor promises. */
  expected?: string;
}

/** `fmnist verify`: the sha256 of every file against the dataset descriptor. */
export const verifyCommand = defineCommand({
  name: 'verify',
  description:
    'check the sha256 of all four files against the dataset descriptor; exit 0 only if all match',
  configure: (command) => command.option('--json', 'print the results as JSON'),
  run: (options: CommonOptions & { json?: boolean }, ctx) => verify(options, ctx),
});

async function verify(
  options: CommonOptions & { json?: boolean },
  ctx: CommandContext,
): Promise<ExitCodeValue> {
  const target = resolveTarget(options, ctx);
  const lines: VerifyLine[] = [];
  for (const located of await locateFiles(target)) {
    if (ctx.signal.aborted) break;
    const { file } = located;
    if (!isFound(located)) {
      lines.push({ file: file.name, status: 'missing', expected: file.sha256 });
      if (!options.json)
        ctx.stdout.write(`MISSING   ${file.name}  ${missingMessage(target, file)}\n`);
      continue;
    }
    const { bytes, sha256 } = await hashFile(located.path, ctx.signal);
    const expected = expectedChecksum(file, bytes).sha256;
    const status = expected === undefined ? 'unchecked' : sha256 === expected ? 'ok' : 'mismatch';
    lines.push({ file: file.name, status, path: located.path, sha256, expected });
    if (!options.json) {
      const label = { ok: 'OK', mismatch: 'MISMATCH', unchecked: 'UNCHECKED' }[status];
      const note =
        status === 'mismatch'
          ? `  (expected ${expected})`
          : status === 'unchecked'
            ? '  (the dataset descriptor has no sha256 for it)'
            : '';
      ctx.stdout.write(`${label.padEnd(9)} ${located.path}  sha256 ${sha256}${note}\n`);
    }
  }
  const good = lines.filter((l) => l.status === 'ok' || l.status === 'unchecked').length;
  const allGood = good === lines.length && lines.length === 4;
  if (options.json) {
    ctx.stdout.write(
      `${JSON.stringify({ dataset: target.descriptor.id, ok: allGood, files: lines }, null, 2)}\n`,
    );
  } else {
    ctx.stdout.write(
      allGood
        ? `All ${lines.length} files of ${target.descriptor.title} match their sha256.\n`
        : `${lines.length - good} of 4 files of ${target.descriptor.title} are missing or do not match.\n`,
    );
  }
  return allGood ? ExitCode.OK : ExitCode.FAILURE;
}
