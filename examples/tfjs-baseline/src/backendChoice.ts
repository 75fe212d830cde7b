// Backend choice: trying a preference list of tfjs backends and recording why each was skipped.
/** The backend a run uses, as recorded in the result JSON. */
export interface BackendChoice {
  /** tfjs backend name: `tensorflow`, `wasm`, `cpu`, `webgpu`, `webgl`. */
  backend: string;
  /** Whether it computes on a GPU. */
  device: 'gpu' | 'cpu';
  /** The npm package that provided it (e.g. `@tensorflow/tfjs-node-gpu`). */
  backendPackage: string;
  /** Backends tried before this one, with why each was skipped. */
  skipped: { backend: string; reason: string }[];
}

/** One candidate in a preference list: `load` returns false (or throws) when it cannot run here. */
export interface BackendCandidate {
  /** Name accepted by `--backend`. */
  name: string;
  /** tfjs backend name once active. */
  backend: string;
  device: 'gpu' | 'cpu';
  backendPackage: string;
  /** Imports/registers the backend and makes it active; false or a throw means unavailable. */
  load: () => Promise<boolean>;
}

/**
 * Tries candidates in order and returns the first that loads; with `forced`, only that one (and
 * its failure is an error, not a fallback: a user who asks for `webgpu` must not silently get cpu).
 */
export async function chooseBackend(
  candidates: readonly BackendCandidate[],
  forced?: string,
): Promise<BackendChoice> {
  const skipped: BackendChoice['skipped'] = [];
  const list = forced
    ? candidates.filter((c) => c.name === forced || c.backend === forced)
    : candidates;
  if (forced && list.length === 0) {
    throw new Error(
      `Unknown backend "${forced}" here; choose one of: ${candidates.map((c) => c.name).join(', ')}`,
    );
  }
  for (const candidate of list) {
    let reason = 'not available';
    try {
      if (await candidate.load()) {
        return {
          backend: candidate.backend,
          device: candidate.device,
          backendPackage: candidate.backendPackage,
          skipped,
        };
      }
    } catch (error) {
      reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    }
    skipped.push({ backend: candidate.name, reason });
  }
  const tried = skipped.map((s) => `${s.backend} (${s.reason})`).join('; ');
  throw new Error(`No usable tfjs backend: ${tried}`);
}
