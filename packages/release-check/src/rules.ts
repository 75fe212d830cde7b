// The release rules for one packed package, as pure functions over its manifest and files, so
// they can be tested on synthetic input (test/rules.test.ts) as well as run on real tarballs.
import { builtinModules } from 'node:module';
import path from 'node:path';
import { isFramework } from './frameworks.ts';
import { parseRange, parseVersion, satisfies } from './semver.ts';
import type { TarballFile } from './tarball.ts';
import type { Manifest } from './workspace.ts';

/** Largest unpacked size a package may have; a bigger one almost surely carries data by mistake. */
export const MAX_UNPACKED_BYTES = 5 * 1024 * 1024;

/** Paths that are tests, fixtures or benchmarks: they never belong in a published package. */
const TEST_PATH =
  /(^|\/)(test|tests|__tests__|__mocks__|fixtures?|__fixtures__|bench|benches|benchmarks?|coverage)\//i;
const TEST_FILE = /\.(test|spec|bench)\.[cm]?[jt]sx?$/i;
/** Dataset files (IDX, gzip, numpy, models) and build leftovers. */
const DATA_FILE = /(\.(gz|tgz|zip|idx\d?|npy|npz|onnx|h5|pb|tsbuildinfo|log)$)|ubyte|(^|\/)\.env/i;
const CODE_FILE = /\.(c|m)?(j|t)s$/;

const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** Strips block comments and whole-line `//` comments, so JSDoc `@example` imports do not count. */
function stripComments(code: string): string {
  return code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

/** The package a bare specifier names (`@scope/name/sub` -> `@scope/name`), or undefined. */
export function packageOfSpecifier(specifier: string): string | undefined {
  if (/^[./#]/.test(specifier) || /^[a-z]+:/i.test(specifier)) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  if (builtins.has(name) || builtins.has(specifier)) return undefined;
  return name;
}

/** Every package imported (statically, dynamically or by `require`) by the code files given. */
export function importedPackages(files: readonly TarballFile[], selfName?: string): Set<string> {
  const found = new Set<string>();
  const patterns = [
    /\bfrom\s*['"]([^'"\n]+)['"]/g,
    /\bimport\s*['"]([^'"\n]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"\n]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"\n]+)['"]\s*\)/g,
  ];
  for (const file of files) {
    if (!CODE_FILE.test(file.path)) continue;
    const code = stripComments(Buffer.from(file.data).toString('utf8'));
    for (const pattern of patterns) {
      for (const match of code.matchAll(pattern)) {
        const name = packageOfSpecifier(match[1]);
        if (name && name !== selfName) found.add(name);
      }
    }
  }
  return found;
}

/** What {@link checkManifest} needs besides the manifest. */
export interface ManifestContext {
  /** Folder name under packages/, for `repository.directory`. */
  dirName: string;
  /** The version of @fmnist/core being released, which every other package must depend on. */
  coreVersion: string;
  /** Packages the shipped code imports (see {@link importedPackages}). */
  imports: ReadonlySet<string>;
}

const LOCAL_PROTOCOL = /^(workspace|file|link|portal|catalog):/;

/**
 * Problems with a packed package.json (the one inside the tarball: pnpm has already replaced
 * `workspace:` versions there). Returns one message per problem; empty when it is fine.
 */
export function checkManifest(manifest: Manifest, context: ManifestContext): string[] {
  const problems: string[] = [];
  const fail = (message: string) => problems.push(message);
  const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';

  if (!manifest.name?.startsWith('@fmnist/')) fail(`name "${manifest.name}" is not in @fmnist/`);
  if (manifest.private) fail('package.json has "private": true but is about to be published');
  if (manifest.type !== 'module') fail('"type" must be "module" (the packages are ESM)');
  if (!isText(manifest.description)) fail('"description" is missing');
  if (!isText(manifest.license)) fail('"license" is missing');
  if (!isText(manifest.engines?.node)) fail('"engines.node" is missing');
  const repository = manifest.repository;
  if (typeof repository !== 'object' || !isText(repository.url)) {
    fail('"repository" must be an object with "url"');
  } else if (repository.directory !== `packages/${context.dirName}`) {
    fail(`"repository.directory" must be "packages/${context.dirName}"`);
  }
  if (!Array.isArray(manifest.keywords) || manifest.keywords.length === 0) {
    fail('"keywords" is missing or empty');
  }
  if (manifest.sideEffects !== false) fail('"sideEffects" must be false');
  if (!isText(manifest.types)) fail('"types" is missing');
  if (!Array.isArray(manifest.files) || manifest.files.length === 0) {
    fail('"files" is missing: list what to publish (e.g. ["dist", "src"])');
  }
  checkExports(manifest.exports, fail);

  for (const [script, command] of Object.entries(manifest.scripts ?? {})) {
    if (/^(pre|post)?install$/.test(script)) {
      fail(`"scripts.${script}" runs on every user's install ("${command}"): remove it`);
    }
  }

  const dependencies = manifest.dependencies ?? {};
  const peers = manifest.peerDependencies ?? {};
  const dev = manifest.devDependencies ?? {};
  for (const [field, deps] of [
    ['dependencies', dependencies],
    ['peerDependencies', peers],
    ['optionalDependencies', (manifest.optionalDependencies ?? {}) as Record<string, string>],
  ] as const) {
    for (const [name, range] of Object.entries(deps)) {
      if (LOCAL_PROTOCOL.test(range)) {
        fail(`${field}.${name} is "${range}" in the packed package.json: publish with pnpm`);
      }
    }
  }

  for (const name of Object.keys(dependencies)) {
    if (isFramework(name)) {
      fail(
        `${name} is in "dependencies": a framework must be a peerDependency (the user picks it)`,
      );
    }
  }
  if (manifest.name !== '@fmnist/core') {
    if (dependencies['@fmnist/core'] === undefined) {
      fail('"@fmnist/core" must be in "dependencies"');
    } else if (dependencies['@fmnist/core'] !== context.coreVersion) {
      fail(
        `dependencies["@fmnist/core"] is "${dependencies['@fmnist/core']}", expected the released version ${context.coreVersion}`,
      );
    }
    if (peers['@fmnist/core'] !== undefined) {
      fail('"@fmnist/core" must be a normal dependency, not a peerDependency');
    }
  }

  for (const name of context.imports) {
    if (dependencies[name] === undefined && peers[name] === undefined) {
      const where = dev[name] !== undefined ? ' (it is only a devDependency)' : '';
      fail(`the shipped code imports "${name}" but package.json does not declare it${where}`);
    } else if (isFramework(name) && peers[name] === undefined) {
      fail(`the shipped code imports the framework "${name}": declare it in "peerDependencies"`);
    }
  }

  for (const [name, range] of Object.entries(peers)) {
    const sets = parseRange(range);
    if (!sets || /^\s*(\*|x|latest|)\s*$/i.test(range)) {
      fail(`peerDependencies.${name} is "${range}": give a version range (e.g. ">=4.0.0 <5")`);
      continue;
    }
    const tested = dev[name];
    if (tested === undefined) {
      fail(`peerDependencies.${name} is not in "devDependencies": the range is not tested`);
      continue;
    }
    const version = tested.replace(/^[\^~=v]+/, '');
    if (parseVersion(version) && !satisfies(version, range)) {
      fail(
        `devDependencies.${name} ${tested} (the tested version) is outside the peer range "${range}"`,
      );
    }
  }
  return problems;
}

function checkExports(exports: unknown, fail: (message: string) => void): void {
  if (typeof exports !== 'object' || exports === null || Array.isArray(exports)) {
    fail('"exports" must be an object map ({ ".": { types, default } })');
    return;
  }
  const map = exports as Record<string, unknown>;
  if (map['.'] === undefined) fail('"exports" has no "." entry');
  for (const [subpath, target] of Object.entries(map)) {
    if (subpath === './package.json' || subpath.endsWith('.json')) continue;
    if (typeof target !== 'object' || target === null) {
      fail(`exports["${subpath}"] must be a condition object with "types" and "default"`);
      continue;
    }
    const conditions = Object.keys(target);
    if (!conditions.includes('types')) fail(`exports["${subpath}"] has no "types" condition`);
    if (!conditions.includes('default') && !conditions.includes('import')) {
      fail(`exports["${subpath}"] has no "default" (or "import") condition`);
    }
  }
}

/** The string targets of an exports map, `main`, `types` and `bin`, as package-relative paths. */
export function manifestTargets(manifest: Manifest): string[] {
  const targets = new Set<string>();
  const walk = (value: unknown): void => {
    if (typeof value === 'string') targets.add(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(manifest.exports);
  walk(manifest.bin);
  if (manifest.main) targets.add(manifest.main);
  if (manifest.types) targets.add(manifest.types);
  return [...targets]
    .filter((target) => !target.includes('*'))
    .map((target) => path.posix.normalize(target).replace(/^\.\//, ''));
}

const INSTALL_COMMAND = /(?:pnpm add|npm install|npm i|yarn add)\s+([^\n#]*)/g;

/** The package a `pnpm add` argument names: `@scope/name@1.2` -> `@scope/name`. */
function packageOfArgument(argument: string): string {
  const at = argument.indexOf('@', 1);
  return at === -1 ? argument : argument.slice(0, at);
}

/**
 * Problems with a README: an install line for the package, and every package its code blocks
 * import named in one of its install lines. pnpm (unlike npm) does not let a project import what
 * it did not install itself, so `import ... from '@fmnist/core/node'` after
 * `pnpm add @fmnist/tfjs @tensorflow/tfjs` fails for pnpm users.
 */
export function checkReadme(readme: string, name: string): string[] {
  const installed = new Set<string>();
  for (const match of readme.matchAll(INSTALL_COMMAND)) {
    for (const argument of match[1].trim().split(/\s+/)) {
      if (argument && !argument.startsWith('-')) installed.add(packageOfArgument(argument));
    }
  }
  if (!installed.has(name)) {
    return [`README.md has no install line for ${name} (e.g. "pnpm add ${name}")`];
  }
  const code = [...readme.matchAll(/```(?:ts|js|typescript|javascript|mjs|mts)\n([\s\S]*?)```/g)]
    .map((block) => block[1])
    .join('\n');
  const imported = importedPackages([{ path: 'README.ts', data: new TextEncoder().encode(code) }]);
  return [...imported]
    .filter((pkg) => !installed.has(pkg))
    .map(
      (pkg) =>
        `README.md imports "${pkg}" but no install line installs it (pnpm does not expose dependencies of dependencies, npm does not install optional peers): add it to the \`pnpm add\` line`,
    );
}

/** What {@link checkTarball} needs besides the files. */
export interface TarballContext {
  /** The packed package.json. */
  manifest: Manifest;
  /** Text of the repository's LICENSE, which every package must carry unchanged. */
  rootLicense: string;
}

/** Problems with the files of a packed tarball. Returns one message per problem. */
export function checkTarball(files: readonly TarballFile[], context: TarballContext): string[] {
  const problems: string[] = [];
  const fail = (message: string) => problems.push(message);
  const byPath = new Map(files.map((file) => [file.path, file]));
  const text = (file: TarballFile) => Buffer.from(file.data).toString('utf8');
  const name = context.manifest.name;

  const readme = byPath.get('README.md');
  if (!readme) fail('README.md is missing from the tarball');
  else problems.push(...checkReadme(text(readme), name));
  const license = byPath.get('LICENSE');
  if (!license) {
    fail(
      'LICENSE is missing from the tarball: copy the repository LICENSE into the package folder',
    );
  } else if (text(license).trim() !== context.rootLicense.trim()) {
    fail('LICENSE differs from the repository LICENSE: copy it again');
  }

  let unpacked = 0;
  for (const file of files) {
    unpacked += file.data.length;
    if (TEST_PATH.test(file.path) || TEST_FILE.test(file.path)) {
      fail(`${file.path}: tests, fixtures and benchmarks must not be published (narrow "files")`);
    } else if (DATA_FILE.test(file.path)) {
      fail(`${file.path}: data and build leftovers must not be published (narrow "files")`);
    }
  }
  if (unpacked > MAX_UNPACKED_BYTES) {
    fail(`unpacked size ${(unpacked / 1e6).toFixed(1)} MB is over ${MAX_UNPACKED_BYTES / 1e6} MB`);
  }

  for (const target of manifestTargets(context.manifest)) {
    if (!byPath.has(target))
      fail(`package.json points at "${target}", which is not in the tarball`);
  }

  for (const file of files) {
    if (file.path.endsWith('.map')) {
      let map: { sources?: string[]; sourceRoot?: string; sourcesContent?: (string | null)[] };
      try {
        map = JSON.parse(text(file));
      } catch {
        fail(`${file.path}: source map is not valid JSON`);
        continue;
      }
      (map.sources ?? []).forEach((source, index) => {
        if (map.sourcesContent?.[index]) return;
        const resolved = path.posix.normalize(
          path.posix.join(path.posix.dirname(file.path), map.sourceRoot ?? '', source),
        );
        if (!byPath.has(resolved)) {
          fail(`${file.path}: source "${source}" is not in the tarball (and not inlined)`);
        }
      });
    } else if (CODE_FILE.test(file.path)) {
      const match = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(text(file));
      if (match && !match[1].startsWith('data:')) {
        const resolved = path.posix.normalize(
          path.posix.join(path.posix.dirname(file.path), decodeURIComponent(match[1])),
        );
        if (!byPath.has(resolved)) {
          fail(`${file.path}: sourceMappingURL "${match[1]}" points at a file not in the tarball`);
        }
      }
    }
  }
  return problems;
}
