// Running a session on one input and decoding what it returns: class ids or the full decoding.
import { FmnistError } from '@fmnist/core';
import type { Tensor } from 'onnxruntime-common';
import {
  type DecodedOutput,
  type DecodeOutputOptions,
  decodeClasses,
  decodeOutput,
} from './decode.ts';
import { modelInput, type OrtSessionLike } from './session.ts';

/** Options for {@link predictOutput} and {@link predictClasses}. */
export interface PredictOptions extends Omit<DecodeOutputOptions, 'count' | 'numClasses'> {
  /** Feed name. Default: {@link modelInput}'s name. */
  inputName?: string;
  /** Output to decode. Default: the first output. */
  outputName?: string;
}

/**
 * Runs a session on one input tensor and decodes the chosen output (see {@link decodeOutput}).
 * The output tensors are disposed after decoding when the runtime supports `dispose`.
 *
 * @throws FmnistError `INVALID_ARGUMENT` for a missing output or one that is not a score matrix.
 */
export function predictOutput(
  session: OrtSessionLike,
  input: Tensor,
  options: PredictOptions = {},
): Promise<DecodedOutput> {
  return runAndDecode(session, input, options, 'predictOutput', (output) =>
    decodeOutput(output, options),
  );
}

/**
 * Runs a session on one input tensor and returns the predicted class id of each sample (see
 * {@link decodeClasses}), ready for core's `evaluate(split.labels, predictions)`.
 *
 * @throws FmnistError `INVALID_ARGUMENT` for a missing output or one that is not a score matrix.
 */
export function predictClasses(
  session: OrtSessionLike,
  input: Tensor,
  options: PredictOptions = {},
): Promise<Uint8Array> {
  return runAndDecode(session, input, options, 'predictClasses', (output) => decodeClasses(output));
}

async function runAndDecode<T>(
  session: OrtSessionLike,
  input: Tensor,
  options: PredictOptions,
  caller: string,
  decode: (output: Tensor) => T,
): Promise<T> {
  const inputName = options.inputName ?? modelInput(session).name;
  const outputName = options.outputName ?? session.outputNames[0];
  const results = await session.run({ [inputName]: input });
  const output = results[outputName];
  if (!output) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `${caller}: the model has no output named ${outputName}.`,
    );
  }
  try {
    return decode(output);
  } finally {
    for (const tensor of Object.values(results)) tensor.dispose?.();
  }
}
