// biome-ignore-all assist/source/organizeImports: exports are grouped by source file, not sorted
// The exports of @fmnist-examples/baseline-kit/node: the file-system and process side (Node only).

// modelDir.ts
export { readModelFiles, writeModelFiles } from './modelDir.ts';

// memory.ts
export { peakRssMB } from './memory.ts';

// atomicWrite.ts
export { writeFileAtomically } from './atomicWrite.ts';
