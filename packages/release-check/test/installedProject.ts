// Reading an installed consumer project: which packages its node_modules holds, and whether tsc's errors all lie in tolerated third-party packages.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The packages tsc's errors are in, when every error is inside one of `prefixes` (paths under
 * node_modules/); `undefined` when any error is elsewhere (our .d.ts files, the consumer).
 * tsc still emits the consumer when it reports errors, so it can run afterwards.
 */
export function typeErrorsOnlyIn(
  output: string,
  prefixes: readonly string[],
): string[] | undefined {
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
export function installedPackages(
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
