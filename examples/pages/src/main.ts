// The pages example: load Fashion-MNIST off the main thread, show a grid, train on WebGL, predict on a drawn image.
import { type DatasetSplit, drawGrid, loadInWorker, subset } from '@fmnist/core';
import { byId as $, publishPageState } from '@fmnist-examples/baseline-kit/page';
import type * as tf from '@tensorflow/tfjs';
import { drawPad } from './drawPad.ts';
import { predictImage, trainModel, useWebgl } from './model.ts';

/** What the page publishes, for scripts and its browser test. */
export interface PagesState {
  status: 'loading' | 'ready' | 'training' | 'trained' | 'error';
  backend?: string;
  testAccuracy?: number;
  prediction?: { className: string; probability: number };
  /** The test image the pad shows last ("Draw a test image" steps through them). */
  sampleIndex?: number;
  /** The model's class for that test image, from the dataset's own pixels. */
  sampleClass?: string;
  error?: string;
  log: string[];
}

declare global {
  interface Window {
    fmnistPages: PagesState;
  }
}

const { state, log } = publishPageState<PagesState>('fmnistPages', { status: 'loading', log: [] });
const params = new URLSearchParams(location.search);
/** Where the four .gz files are: public/data/ by default, any folder or URL with `?data=`. */
const data = params.get('data') ?? './data/';
const trainSamples = Number(params.get('trainSamples') ?? 10000);
const epochs = Number(params.get('epochs') ?? 3);

const pad = drawPad($<HTMLCanvasElement>('pad'));
let train: DatasetSplit;
let test: DatasetSplit;
let model: tf.LayersModel | undefined;

async function start() {
  // Downloading, checking and decoding run in a worker; the files stay in browserCache().
  ({ train, test } = await loadInWorker({ split: ['train', 'test'], mirrors: [data] }));
  drawGrid($<HTMLCanvasElement>('grid'), test, { count: 24, columns: 12, scale: 2 });
  state.backend = await useWebgl();
  $('status').textContent =
    `${train.count} training and ${test.count} test images; backend ${state.backend}.`;
  $<HTMLButtonElement>('train').disabled = false;
  state.status = 'ready';
}

async function trainClicked() {
  state.status = 'training';
  $<HTMLButtonElement>('train').disabled = true;
  const picked = subset(train, { count: Math.min(trainSamples, train.count) });
  log(`training on ${picked.count} images, ${epochs} epochs, ${state.backend}`);
  const trained = await trainModel(picked, test, {
    epochs,
    onEpoch: (r) =>
      log(`epoch ${r.epoch}: loss ${r.loss.toFixed(3)}, accuracy ${r.accuracy.toFixed(3)}`),
  });
  model?.dispose();
  model = trained.model;
  state.testAccuracy = trained.testAccuracy;
  log(`test accuracy ${(trained.testAccuracy * 100).toFixed(1)}%`);
  $<HTMLButtonElement>('predict').disabled = false;
  state.status = 'trained';
}

/** The most likely class of `pixels` and its probability. */
function classify(pixels: Uint8Array) {
  const scores = predictImage(model!, pixels);
  let best = 0;
  for (let c = 1; c < scores.length; c++) if (scores[c] > scores[best]) best = c;
  return { className: test.classNames[best], probability: scores[best] };
}

function predictClicked() {
  if (!model) return;
  const [h, w] = test.imageShape;
  const prediction = classify(pad.read(h, w));
  state.prediction = prediction;
  $('prediction').textContent =
    `${prediction.className} (${(prediction.probability * 100).toFixed(0)}%)`;
}

const fail = (error: unknown) => {
  state.error = error instanceof Error ? error.message : String(error);
  state.status = 'error';
  $('status').textContent = `error: ${state.error}`;
};

$('train').addEventListener('click', () => void trainClicked().catch(fail));
$('predict').addEventListener('click', predictClicked);
$('clear').addEventListener('click', () => pad.clear());
$('sample').addEventListener('click', () => {
  const index = ((state.sampleIndex ?? -1) + 1) % test.count;
  state.sampleIndex = index;
  pad.show(test, index);
  const size = test.imageShape[0] * test.imageShape[1];
  const label = test.classNames[test.labels[index]];
  state.sampleClass = model
    ? classify(test.images.subarray(index * size, (index + 1) * size)).className
    : undefined;
  $('prediction').textContent =
    `test image ${index}: ${label}${state.sampleClass ? `, the model says ${state.sampleClass}` : ''}`;
});
start().catch(fail);
