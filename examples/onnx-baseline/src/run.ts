// The ONNX baseline run: convert with @fmnist/onnx, open a session, evaluate, time, return the result.
import {
  type DatasetSplit,
  evaluate,
  FmnistError,
  type Layout,
  type Normalize,
  subset,
} from '@fmnist/core';
import {
  decodeOutput,
  describeOutputs,
  isDetached,
  modelInput,
  type OrtTensorClass,
  ortBatches,
  toOrtTensor,
} from '@fmnist/onnx';
import {
  type BaselineProgress,
  type BaselineResult,
  type InferenceBaselineOptions,
  type ModelMetadata,
  PLAN,
  prefixOf,
  roundTo,
  sha256Hex,
  throwIfAborted,
} from '@fmnist-examples/baseline-kit';
import type { InferenceSession, Tensor } from 'onnxruntime-web';

/**
 * What the baseline needs of an onnxruntime module: `import * as ort from 'onnxruntime-web'` and
 * `import * as ort from 'onnxruntime-node'` both fit.
 */
export interface OrtModule {
  InferenceSession: {
    create(model: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession>;
  };
  Tensor: OrtTensorClass;
  env: { versions?: Record<string, string | undefined> };
}

/** The accuracy pass's default batch size (see {@link BATCH_SIZES} for why no larger). */
export const EVALUATION_BATCH_SIZE = 500;

/**
 * Batch sizes whose inference throughput a full run reports. Nothing above 500: one 10,000-image
 * batch of the baseline CNN took onnxruntime-node to about 1.9 GB peak RSS (its activations and
 * im2col buffers, kept by the CPU arena), past the comparison's 400 MB per job, and was slower per
 * image than batches of 1,000 anyway; with batch norm after each convolution (`cnn-bn`, one more
 * activation the size of the first convolution's), batches of 1,000 peaked at 424-445 MB.
 * Ask for larger ones with `batchSizes`.
 */
export const BATCH_SIZES: readonly number[] = [1, 64, EVALUATION_BATCH_SIZE];

/** Options of {@link runOnnxBaseline}. Platform-neutral: the runtime, model and data come in. */
export interface OnnxBaselineOptions extends InferenceBaselineOptions {
  /** The onnxruntime module to run with. */
  ort: OrtModule;
  /** Its package name, recorded as `framework`: `'onnxruntime-node'` or `'onnxruntime-web'`. */
  framework: string;
  /**
   * Execution providers to try, in order (`'webgpu'`, `'wasm'`, `'cpu'`, `'cuda'`...): the first
   * whose session is created and runs a first batch is used, and failures are recorded.
   */
  executionProviders: readonly string[];
  /** The `.onnx` bytes. Input `[N,1,28,28]`, `[N,28,28,1]` or `[N,784]`, float32. */
  model: Uint8Array;
  /** The model's metadata JSON (see `ModelMetadata`), or null when there is none. */
  metadata?: ModelMetadata | null;
  /** Short model name for the result; default `metadata.model`, else `'onnx-model'`. */
  modelName?: string;
  /**
   * Time at most `PLAN.quick.onnx.timedImages` (1,000) images per batch size, and batch sizes up
   * to that.
   */
  quick?: boolean;
  /** Batch sizes to time. Default {@link BATCH_SIZES}. */
  batchSizes?: readonly number[];
  /**
   * Batch size of the accuracy pass. Default {@link EVALUATION_BATCH_SIZE} (500), which keeps the
   * CNN's peak memory low (see {@link BATCH_SIZES}).
   */
  evaluationBatchSize?: number;
  /** Pixel normalization. Default `metadata.normalize`, else `'scale'` (`x / 255`). */
  normalize?: Normalize;
  /** Minimum seconds spent timing each batch size (runs repeat until reached). Default 1, quick 0.2. */
  minSeconds?: number;
  /** Extra session options (e.g. `intraOpNumThreads`), merged under `executionProviders`. */
  sessionOptions?: InferenceSession.SessionOptions;
}

/** Inference speed at one batch size. */
export interface ThroughputRecord {
  batchSize: number;
  imagesPerSecond: number;
  /** `session.run` calls timed. */
  runs: number;
  /** Images those runs processed. */
  images: number;
  seconds: number;
}

/**
 * The baseline result JSON of an ONNX run. Training fields come from the model's metadata and
 * are null for a model without one.
 */
export type OnnxBaselineResult = Pick<
  BaselineResult,
  | 'framework'
  | 'frameworkVersion'
  | 'runtime'
  | 'backend'
  | 'device'
  | 'dataset'
  | 'model'
  | 'testSamples'
  | 'testAccuracy'
  | 'perClassAccuracy'
  | 'confusionMatrix'
  | 'inferenceImagesPerSecond'
  | 'peakRssMB'
> & {
  seed: number | null;
  trainSamples: number | null;
  epochs: number | null;
  trainSeconds: number | null;
  trainSamplesPerSecond: number | null;
  /** The execution provider that ran (also `backend`). */
  executionProvider: string;
  /** Providers tried before it, with their errors. */
  executionProviderFallbacks: { executionProvider: string; error: string }[];
  /** `session.run` throughput per batch size. */
  inferenceThroughput: ThroughputRecord[];
  /** Batch size of the accuracy pass behind `inferenceImagesPerSecond`. */
  evaluationBatchSize: number;
  /**
   * The same batch size, under the name that sits beside `inferenceImagesPerSecond` in reports
   * (the throughput of a batched pass means little without it).
   */
  inferenceBatchSize: number;
  [key: string]: unknown;
};

const GPU_PROVIDERS = new Set(['webgpu', 'webgl', 'cuda', 'tensorrt', 'dml', 'coreml', 'webnn']);

/**
 * Runs an ONNX classifier on a whole test split: accuracy, per-class accuracy and confusion
 * matrix, plus inference images/s at several batch sizes. Used by the Node CLI (`main.ts`), the
 * browser page (`page.ts`), the bench and any cross-framework runner; it loads no data and
 * imports no runtime itself.
 *
 * `inferenceImagesPerSecond` is the accuracy pass end to end (pixel conversion, `session.run`,
 * decoding) at `evaluationBatchSize`; `inferenceThroughput` times `session.run` alone on
 * prepared tensors.
 *
 * @throws FmnistError `INVALID_ARGUMENT` for a model whose input is not an image batch, or when
 *   no execution provider works (the error lists each failure); `ABORTED` when `options.signal`
 *   fires (checked after every batch).
 */
export async function runOnnxBaseline(options: OnnxBaselineOptions): Promise<OnnxBaselineResult> {
  const started = performance.now();
  const { ort, signal } = options;
  const progress = options.onProgress ?? (() => {});
  const what = `onnx ${options.modelName ?? options.metadata?.model ?? 'model'}`;
  throwIfAborted(signal, what);
  const test = prefixOf(options.test, options.testSamples);
  const metadata = options.metadata ?? null;
  const normalize = options.normalize ?? metadata?.normalize ?? 'scale';
  const quick = options.quick ?? false;
  const Tensor = ort.Tensor;

  // 1. A session on the first execution provider that can run the model.
  const { session, executionProvider, fallbacks, setup } = await openSession(
    { ...options, test },
    progress,
    (s) => prepareRun(s, { ...options, test }, normalize),
  );
  const { input, layout, fixedBatch, run, tensorFor } = setup;
  try {
    // 2. Accuracy over the whole split, batches converted by @fmnist/onnx.
    // Never larger than the split: core refuses reused buffers bigger than what they can hold.
    const evaluationBatchSize =
      fixedBatch ??
      Math.min(options.evaluationBatchSize ?? EVALUATION_BATCH_SIZE, Math.max(1, test.count));
    const predictions = new Uint8Array(test.count);
    const evaluationStarted = performance.now();
    for (const batch of ortBatches(test, {
      Tensor,
      layout,
      normalize,
      batchSize: evaluationBatchSize,
      reuseBuffers: true,
    })) {
      const output = await run(padded(batch.input, fixedBatch, Tensor));
      const { classes } = decodeOutput(output);
      predictions.set(classes.subarray(0, batch.size), batch.index * evaluationBatchSize);
      progress({
        phase: 'evaluate',
        done: batch.index * evaluationBatchSize + batch.size,
        total: test.count,
        seconds: (performance.now() - evaluationStarted) / 1000,
      });
      throwIfAborted(signal, what);
    }
    const evaluationSeconds = (performance.now() - evaluationStarted) / 1000;
    const evaluation = evaluate(test.labels, predictions, test.classNames.length);

    // 3. Throughput of session.run alone, per batch size.
    const timed = PLAN[quick ? 'quick' : 'full'].onnx.timedImages;
    const limit = timed === null ? test.count : Math.min(timed, test.count);
    const sizes = fixedBatch
      ? [fixedBatch]
      : (options.batchSizes ?? BATCH_SIZES).filter((b) => b <= limit);
    const minSeconds = options.minSeconds ?? (quick ? 0.2 : 1);
    const inferenceThroughput: ThroughputRecord[] = [];
    for (const batchSize of sizes) {
      const record = await timeBatchSize(test, batchSize, limit, minSeconds, tensorFor, run);
      inferenceThroughput.push(record);
      progress({ phase: 'throughput', batchSize, imagesPerSecond: record.imagesPerSecond });
      throwIfAborted(signal, what);
    }

    // 4. The result JSON; the training fields come from the model's metadata.
    const training = metadata?.training ?? null;
    const result: OnnxBaselineResult = {
      framework: options.framework,
      frameworkVersion:
        ort.env.versions?.node ?? ort.env.versions?.web ?? ort.env.versions?.common ?? 'unknown',
      runtime: options.runtime,
      backend: executionProvider,
      device: GPU_PROVIDERS.has(executionProvider) ? 'gpu' : 'cpu',
      dataset: test.dataset,
      model: options.modelName ?? metadata?.model ?? 'onnx-model',
      seed: training?.seed ?? null,
      trainSamples: training?.trainSamples ?? null,
      testSamples: test.count,
      epochs: training?.epochs ?? null,
      testAccuracy: evaluation.accuracy,
      perClassAccuracy: evaluation.perClassAccuracy,
      confusionMatrix: evaluation.confusionMatrix,
      trainSeconds: training?.trainSeconds ?? null,
      trainSamplesPerSecond: training?.trainSamplesPerSecond ?? null,
      inferenceImagesPerSecond: roundTo(test.count / evaluationSeconds, 1),
      peakRssMB: roundTo(options.peakRssMB?.() ?? 0, 1),
      executionProvider,
      executionProviderFallbacks: fallbacks,
      inferenceThroughput,
      evaluationBatchSize,
      inferenceBatchSize: evaluationBatchSize,
      normalize,
      quick,
      input: { name: input.name, dims: input.dims ?? null, layout },
      output: describeOutputs(session)[0] ?? null,
      modelBytes: options.model.byteLength,
      modelSha256: await sha256Hex(options.model),
      modelTrainedOn: metadata?.dataset ?? null,
      training,
      parity: metadata?.parity ?? null,
      ...options.extra,
    };
    progress({
      phase: 'done',
      testAccuracy: result.testAccuracy,
      seconds: (performance.now() - started) / 1000,
    });
    return result;
  } finally {
    await session.release();
  }
}

type RunSetup = Awaited<ReturnType<typeof prepareRun>>;

/**
 * Reads the model's input, and runs one small warm-up batch (kernel compilation, allocator
 * growth), which is not timed and also proves the execution provider can run the model.
 */
async function prepareRun(
  session: InferenceSession,
  options: OnnxBaselineOptions,
  normalize: Normalize,
) {
  const { test, metadata } = options;
  const Tensor = options.ort.Tensor;
  const input = modelInput(session);
  const layout: Layout | undefined = input.layout ?? metadata?.input?.layout;
  if (!layout) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `The model's input ${input.name} has dims [${input.dims?.join(', ') ?? '?'}]: expected an image batch ` +
        '[N,1,28,28], [N,28,28,1] or [N,784].',
    );
  }
  const first = input.dims?.[0];
  const fixedBatch = typeof first === 'number' && first > 0 ? first : undefined;
  const outputName = session.outputNames[0];
  const run = async (tensor: Tensor): Promise<Tensor> => {
    const results = await session.run({ [input.name]: tensor });
    return results[outputName];
  };
  const tensorFor = (split: DatasetSplit) =>
    padded(toOrtTensor(split, { Tensor, layout, normalize }), fixedBatch, Tensor);
  // At the accuracy pass's batch size, so its timing excludes the allocator growing to that size.
  const warmUp = fixedBatch ?? options.evaluationBatchSize ?? EVALUATION_BATCH_SIZE;
  await run(tensorFor(subset(test, { count: Math.min(warmUp, test.count) })));
  return { input, layout, fixedBatch, run, tensorFor };
}

/**
 * Tries the execution providers in order; the first whose session is created and runs the
 * warm-up batch is used. Each attempt is reported as `backend` progress.
 */
async function openSession(
  options: OnnxBaselineOptions,
  progress: (p: BaselineProgress) => void,
  prepare: (session: InferenceSession) => Promise<RunSetup>,
) {
  const fallbacks: { executionProvider: string; error: string }[] = [];
  for (const executionProvider of options.executionProviders) {
    const device = GPU_PROVIDERS.has(executionProvider) ? 'gpu' : 'cpu';
    progress({ phase: 'backend', backend: executionProvider, status: 'trying', device });
    let session: InferenceSession | undefined;
    try {
      session = await options.ort.InferenceSession.create(options.model, {
        ...options.sessionOptions,
        executionProviders: [executionProvider],
      });
      const setup = await prepare(session);
      progress({ phase: 'backend', backend: executionProvider, status: 'ready', device });
      return { session, executionProvider, fallbacks, setup };
    } catch (error) {
      await session?.release().catch(() => undefined);
      // A model that does not fit is not the provider's fault: report it as it is.
      if (error instanceof FmnistError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      fallbacks.push({ executionProvider, error: message.split('\n')[0].slice(0, 300) });
      progress({
        phase: 'backend',
        backend: executionProvider,
        status: 'failed',
        device,
        error: message,
      });
    }
  }
  throw new FmnistError(
    'INVALID_ARGUMENT',
    `No execution provider could load the model: ${fallbacks.map((f) => `${f.executionProvider}: ${f.error}`).join('; ')}`,
    { details: { fallbacks } },
  );
}

/**
 * Pads a batch to a model's fixed batch size (some published models declare `[1,1,28,28]`):
 * extra rows are zeros and their outputs are ignored.
 */
function padded(tensor: Tensor, fixedBatch: number | undefined, Tensor: OrtTensorClass): Tensor {
  const n = tensor.dims[0];
  if (fixedBatch === undefined || n === fixedBatch) return tensor;
  const data = new Float32Array(((tensor.data as Float32Array).length / n) * fixedBatch);
  data.set(tensor.data as Float32Array);
  return new Tensor(data, [fixedBatch, ...tensor.dims.slice(1)]);
}

async function timeBatchSize(
  test: DatasetSplit,
  batchSize: number,
  limit: number,
  minSeconds: number,
  tensorFor: (split: DatasetSplit) => Tensor,
  run: (tensor: Tensor) => Promise<Tensor>,
): Promise<ThroughputRecord> {
  // Tensors are prepared up front so only session.run is timed.
  const tensors: Tensor[] = [];
  for (let start = 0; start + batchSize <= limit; start += batchSize) {
    tensors.push(tensorFor(subset(test, { start, count: batchSize })));
  }
  await run(tensors[0]);
  let runs = 0;
  const started = performance.now();
  let elapsed = 0;
  // One full pass over the prepared batches, then more until minSeconds have passed.
  while (runs < tensors.length || elapsed < minSeconds) {
    const tensor = tensors[runs % tensors.length];
    if (isDetached(tensor.data as Float32Array)) {
      throw new Error(
        'a proxied session detached the input buffers; time without ort.env.wasm.proxy',
      );
    }
    await run(tensor);
    runs++;
    elapsed = (performance.now() - started) / 1000;
  }
  return {
    batchSize,
    imagesPerSecond: roundTo((runs * batchSize) / elapsed, 1),
    runs,
    images: runs * batchSize,
    seconds: roundTo(elapsed, 3),
  };
}
