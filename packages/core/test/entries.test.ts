// The two entries: @fmnist/core/node is `export *` of the main entry plus its Node overrides and Node-only exports.
import * as main from '@fmnist/core';
import * as nodeEntry from '@fmnist/core/node';
import { describe, expect, it } from 'vitest';

/** Names that `@fmnist/core/node` declares itself, with Node defaults, instead of re-exporting. */
const OVERRIDES = ['downloadFile', 'loadDataset', 'loadFashionMnist'];

describe('@fmnist/core/node', () => {
  it('exports everything the main entry exports', () => {
    const missing = Object.keys(main).filter((name) => !(name in nodeEntry));
    expect(missing).toEqual([]);
    for (const name of ['nodePlatform', 'fsCache', 'defaultCacheDir']) {
      expect(nodeEntry).toHaveProperty(name);
    }
  });

  it('re-exports the main entry as it is, except for its Node-defaulted overrides', () => {
    const mainExports = main as Record<string, unknown>;
    const nodeExports = nodeEntry as Record<string, unknown>;
    const differing = Object.keys(main).filter((name) => nodeExports[name] !== mainExports[name]);
    expect(differing.sort()).toEqual(OVERRIDES);
    for (const name of OVERRIDES) expect(typeof nodeExports[name]).toBe('function');
  });

  it('adds only Node-only names besides the main entry', () => {
    const added = Object.keys(nodeEntry).filter((name) => !(name in main));
    expect(added.sort()).toEqual([
      'CACHE_DIR_ENV',
      'defaultCacheDir',
      'fileKind',
      'fsCache',
      'fsCachePath',
      'locateDatasetFiles',
      'nodeGunzip',
      'nodePlatform',
      'nodeSha256',
      'readRegularFile',
    ]);
  });
});
