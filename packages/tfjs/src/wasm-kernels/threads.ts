// Running tfjs-backend-wasm's threaded SIMD build with N threads, in Node's worker_threads as in a page.
/// <reference path="./workerContents.d.ts" />
import { FmnistError } from '@fmnist/core';
import {
  findBackendFactory,
  registerBackend,
  removeBackend,
  setBackend,
} from '@tensorflow/tfjs-core';
import { WASM } from './backend.ts';

/** The build's XNNPACK cap (`max_num_threads` in its backend.cc) and pre-started worker pool. */
export const MAX_WASM_THREADS = 8;

/** tfjs-backend-wasm registers its backend with this priority; the replacement keeps it. */
const WASM_PRIORITY = 2;

/** What the emscripten glue resolves to: the module, with the parts used here typed. */
interface EmscriptenModule {
  cwrap(name: string, returnType: string | null, argTypes: string[]): (...args: number[]) => number;
  PThread: { runningWorkers: { unref?(): void }[] };
  tfjs?: Record<string, unknown>;
  wasmMemory?: WebAssembly.Memory;
}

type Imports = Record<string, Record<string, unknown>>;

/** The emscripten factory options this file sets (see the glue's `Module[...]` reads). */
interface FactoryConfig {
  locateFile(path: string, prefix: string): string | URL;
  instantiateWasm(
    imports: Imports,
    receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
  ): object;
  onAbort(reason: unknown): void;
  /** What each pthread worker loads to define the factory (a browser worker `importScripts` it). */
  mainScriptUrlOrBlob?: string;
}

/** The pieces of the threaded SIMD build one platform supplies to {@link threadedFactory}. */
interface ThreadedBuild {
  /** The glue's factory, `WasmBackendModuleThreadedSimd`. */
  create: (config: FactoryConfig) => Promise<EmscriptenModule>;
  /** The pthread worker script. */
  workerUrl: string | URL;
  /** The `.wasm` bytes. */
  binary: BufferSource;
  /** The glue's own URL, for the workers (browsers). */
  mainScript?: string;
}

/**
 * Where a bundled page serves tfjs-backend-wasm's threaded SIMD build, as its bundler emitted the
 * files (with Vite: `import glue from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js?url'`).
 */
export interface WasmThreadsFiles {
  /**
   * URL of `@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js`, the
   * emscripten glue as the package ships it (copied, not bundled): each pthread worker loads it.
   */
  glue: string | URL;
  /** URL of `tfjs-backend-wasm-threaded-simd.wasm` (the one passed to `setWasmPaths`). */
  binary: string | URL;
}

/**
 * Imports a Node built-in. The specifier is a variable so that browser bundlers, which reach
 * this file through `@fmnist/tfjs/wasm-kernels`, do not try to resolve modules only Node runs.
 */
const nodeOnly = (specifier: string): Promise<unknown> => import(/* @vite-ignore */ specifier);

const isNode = () => typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/**
 * Makes `wasm` the active tfjs backend running `threads` threads (the calling thread included:
 * XNNPACK's pool of N has N - 1 workers), and resolves with the count the backend reports
 * (`getThreadsCount()` of `@tensorflow/tfjs-backend-wasm`).
 *
 * **Node.** tfjs-backend-wasm 4.x never loads its threaded build in Node: its
 * `WASM_HAS_MULTITHREAD_SUPPORT` flag returns false there (`dist/flags_wasm.js`, tfjs issue
 * #3830), and forcing the flag fails, because `init()` (`dist/backend_wasm.js`) hands emscripten
 * the pthread worker script as a `Blob` object URL and the main script as a `Blob`
 * (`mainScriptUrlOrBlob`), and Node's `Worker` rejects `blob:nodedata:` URLs (`ERR_WORKER_PATH`).
 * The package's own `wasm-out/tfjs-backend-wasm-threaded-simd.worker.js` is no way round that
 * either: it only exports the worker's source as a string (`wasmWorkerContents`). So this
 * function re-registers the `wasm` backend with a factory that does what `init()` does with real
 * files: it loads the package's `wasm-out/tfjs-backend-wasm-threaded-simd.js` glue (the same
 * emscripten build, byte-identical `.wasm`) and starts each pthread worker from a `data:` module
 * that evaluates `wasmWorkerContents` the way Node loads a CommonJS file. Kernels, including
 * `registerWasmTrainingKernels`' ones, are registered per backend name and keep working.
 *
 * **The core cap.** The build caps the pool at half of `emscripten_num_logical_cores()` (Node:
 * `os.cpus().length`, browsers: `navigator.hardwareConcurrency`), assuming two hardware threads
 * per core, and at {@link MAX_WASM_THREADS}: on a 2-CPU machine it never runs more than one
 * thread, whatever `setThreadsCount` asked. In Node this function answers that import with
 * `2 * threads`, so the pool is what was asked for (up to 8); asking for more threads than the
 * machine has CPUs only adds contention.
 *
 * Idle pool workers are unref'd: they do not keep a Node process alive. `tf.removeBackend('wasm')`
 * (or another call of this function) disposes the backend and terminates them.
 *
 * **Browsers.** The threaded build needs `SharedArrayBuffer`, so a cross-origin-isolated page
 * (`crossOriginIsolated`: served with `Cross-Origin-Opener-Policy: same-origin` and
 * `Cross-Origin-Embedder-Policy: require-corp`). There, given `files` (where the bundler put the
 * glue and the `.wasm`), this function starts the build as in Node: its workers load the glue
 * file, and the core count is answered so that the pool is what was asked for. The stock path
 * (`setThreadsCount` + `tf.setBackend('wasm')`, what this function does without `files`) fails
 * once bundled and minified, its workers throwing "e is not defined" (see
 * `browserThreadedBuild`), and is capped at half of `navigator.hardwareConcurrency`. A page that
 * is not isolated gets the single-threaded SIMD build either way, and the resolved count says 1.
 * The glue is evaluated with `new Function`: a Content-Security-Policy must allow
 * `'unsafe-eval'` (and `blob:` workers, as the stock build needs too).
 *
 * Call it instead of `tf.setBackend('wasm')`, after importing `@tensorflow/tfjs-backend-wasm`.
 * A `wasm` backend already running is disposed first, with the tensors it holds.
 *
 * @param threads Threads to compute with, 1 to {@link MAX_WASM_THREADS}.
 * @param files Browsers only: the bundled threaded build's URLs (ignored in Node).
 * @throws FmnistError `INVALID_ARGUMENT` unless `threads` is an integer from 1 to
 *   {@link MAX_WASM_THREADS}; rejects with the backend's own error when the build fails to start
 *   (in a page, also when `files` cannot be fetched).
 */
export async function setWasmThreads(threads: number, files?: WasmThreadsFiles): Promise<number> {
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_WASM_THREADS) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `threads must be an integer from 1 to ${MAX_WASM_THREADS}, got ${threads}`,
      { details: { threads } },
    );
  }
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const node = isNode();
  if (!node && !(files && globalThis.crossOriginIsolated === true)) {
    wasm.setThreadsCount(threads);
    if (!(await setBackend(WASM))) throw new Error('tf.setBackend("wasm") failed');
    return wasm.getThreadsCount();
  }
  const factory = threadedFactory(
    threads,
    node ? await nodeThreadedBuild() : await browserThreadedBuild(files as WasmThreadsFiles),
  );
  let failure: unknown;
  if (findBackendFactory(WASM) !== null) removeBackend(WASM);
  registerBackend(
    WASM,
    async () => {
      try {
        const module = await factory();
        wasm.setThreadsCount(threads);
        const backend = new wasm.BackendWasm(module as never);
        // The pool's workers run a pthread each (emscripten ref()s them for that); they idle
        // between calls and must not hold the process open.
        for (const worker of module.PThread.runningWorkers) worker.unref?.();
        return backend;
      } catch (error) {
        failure = error;
        throw error;
      }
    },
    WASM_PRIORITY,
  );
  if (!(await setBackend(WASM))) {
    throw failure ?? new Error('tf.setBackend("wasm") failed for the threaded SIMD build');
  }
  return wasm.getThreadsCount();
}

/** The package's threaded build in Node: its glue required, the worker a `data:` module. */
async function nodeThreadedBuild(): Promise<ThreadedBuild> {
  const { createRequire } = (await nodeOnly('node:module')) as typeof import('node:module');
  const { readFile } = (await nodeOnly('node:fs/promises')) as typeof import('node:fs/promises');
  const require = createRequire(import.meta.url);
  const base = '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd';
  const glue = require.resolve(`${base}.js`);
  const workerFile = require.resolve(`${base}.worker.js`);
  // `wasmWorkerContents` holds `"\n"` escapes as real newlines inside string literals (init()
  // escapes them back before its Blob too); `require` and `__filename` are what it reads of
  // CommonJS (`location.href` is `__filename`).
  const bootstrap = String.raw`import { createRequire } from 'node:module';
const file = ${JSON.stringify(workerFile)};
const require = createRequire(file);
const source = require(file).wasmWorkerContents.replace(/\n/g, '\\n');
new Function('require', '__filename', source)(require, file);`;
  return {
    create: require(glue) as ThreadedBuild['create'],
    workerUrl: new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`),
    binary: await readFile(glue.replace(/\.js$/, '.wasm')),
  };
}

/**
 * The threaded build in a cross-origin-isolated page, from the files its bundler emitted. The
 * stock `init()` cannot run there once bundled: it hands each worker the glue's factory as
 * `Function.prototype.toString()` text, and a bundler that renames the factory's closure
 * variables (every minifier) leaves that text pointing at names the worker lacks ("e is not
 * defined", tfjs issue #4107). The workers load the glue file itself instead, and the page
 * evaluates the same text for its own instance.
 */
async function browserThreadedBuild(files: WasmThreadsFiles): Promise<ThreadedBuild> {
  const glue = new URL(files.glue, globalThis.location?.href).href;
  const fetchOk = async (url: string) => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`could not load ${url}: HTTP ${response.status}`);
    return response;
  };
  const [source, binary, worker] = await Promise.all([
    fetchOk(glue).then((r) => r.text()),
    fetchOk(new URL(files.binary, globalThis.location?.href).href).then((r) => r.arrayBuffer()),
    import('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js'),
  ]);
  const create = new Function(`${source}\nreturn WasmBackendModuleThreadedSimd;`)();
  // As init() does: the string's escaped newlines became real ones.
  const script = worker.wasmWorkerContents.replace(/\n/g, '\\n');
  return {
    create,
    workerUrl: URL.createObjectURL(new Blob([script], { type: 'text/javascript' })),
    binary,
    mainScript: glue,
  };
}

/**
 * A function creating one instance of the threaded SIMD module from a platform's `build`, with
 * the core count answered so that the pool holds `threads`; its result carries `tfjs`, the
 * bridge `init()` in `dist/backend_wasm.js` builds.
 */
function threadedFactory(threads: number, build: ThreadedBuild): () => Promise<EmscriptenModule> {
  return () =>
    new Promise<EmscriptenModule>((resolve, reject) => {
      let memory: unknown;
      build
        .create({
          locateFile: (path, prefix) =>
            path.endsWith('.worker.js') ? build.workerUrl : prefix + path,
          instantiateWasm(imports, receive) {
            memory = imports.env.memory;
            const cores = { ...imports.env, emscripten_num_logical_cores: () => 2 * threads };
            WebAssembly.instantiate(build.binary, { ...imports, env: cores }).then(
              ({ instance, module }) => receive(instance, module),
              reject,
            );
            return {};
          },
          onAbort: reject,
          ...(build.mainScript ? { mainScriptUrlOrBlob: build.mainScript } : {}),
        })
        .then((module) => {
          // The threaded build imports its shared heap, so `asm.memory` (where the single-threaded
          // build exports it) is empty: `wasmMemory` is where this package's SIMD kernels look next.
          if (memory instanceof WebAssembly.Memory) module.wasmMemory ??= memory;
          // The bridge BackendWasm expects, exactly as init() in dist/backend_wasm.js builds it.
          module.tfjs = {
            init: module.cwrap('init', null, []),
            initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
            getThreadsCount: module.cwrap('get_threads_count', 'number', []),
            registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
            disposeData: module.cwrap('dispose_data', null, ['number']),
            dispose: module.cwrap('dispose', null, []),
          };
          resolve(module);
        }, reject);
    });
}
