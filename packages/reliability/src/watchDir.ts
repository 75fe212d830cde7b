// Waiting, without polling or sleeps, for a name to appear in a folder: the moment a command
// has started writing its temporary output, which is when a case interrupts it.
import { watch } from 'node:fs';
import { readdir } from 'node:fs/promises';

/**
 * Resolves with the first entry of `dir` (which must exist) that `match` accepts, already there
 * or created later; rejects after `timeoutMs`.
 */
export async function waitForEntry(
  dir: string,
  match: (name: string) => boolean,
  timeoutMs = 60_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | undefined, name?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      watcher.close();
      if (error) reject(error);
      else resolve(name as string);
    };
    const look = () =>
      readdir(dir).then(
        (names) => {
          const found = names.find(match);
          if (found !== undefined) finish(undefined, found);
        },
        (error: Error) => finish(error),
      );
    const watcher = watch(dir, () => void look());
    const timer = setTimeout(
      () => finish(new Error(`nothing matching appeared in ${dir} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    void look();
  });
}
