// Turning a decoded images file and labels file into a DatasetSplit, after checking that they fit the descriptor and each other.
import type { DatasetDescriptor, DatasetFile, Split } from './datasets.ts';
import { FmnistError } from './errors.ts';
import type { IdxArray } from './idxTypes.ts';
import type { DatasetSplit } from './splits.ts';

function invalid(message: string, details: Record<string, unknown>): FmnistError {
  return new FmnistError('INVALID_IDX', message, { details });
}

/**
 * The split made of `images` and `labels` (views, no copy), once they are uint8 images of the
 * descriptor's `imageShape`, as many uint8 labels as images, and labels below the class count.
 *
 * @throws FmnistError INVALID_IDX naming the file and what does not fit.
 */
export function toDatasetSplit(
  descriptor: DatasetDescriptor,
  split: Split,
  files: readonly [DatasetFile, DatasetFile],
  images: IdxArray,
  labels: IdxArray,
): DatasetSplit {
  const [imagesFile, labelsFile] = files;
  const [height, width] = descriptor.imageShape;
  if (images.type !== 'uint8' || images.shape.length !== 3) {
    throw invalid(
      `${imagesFile.name} holds ${images.type} data of shape [${images.shape}], not uint8 images [count, ${height}, ${width}].`,
      { file: imagesFile.name, type: images.type, shape: images.shape },
    );
  }
  if (images.shape[1] !== height || images.shape[2] !== width) {
    throw invalid(
      `${imagesFile.name} holds ${images.shape[1]}x${images.shape[2]} images, but ${descriptor.id} images are ${height}x${width}.`,
      { file: imagesFile.name, shape: images.shape, imageShape: [height, width] },
    );
  }
  if (labels.type !== 'uint8' || labels.shape.length !== 1) {
    throw invalid(
      `${labelsFile.name} holds ${labels.type} data of shape [${labels.shape}], not uint8 labels [count].`,
      { file: labelsFile.name, type: labels.type, shape: labels.shape },
    );
  }
  const count = images.shape[0];
  if (labels.shape[0] !== count) {
    throw invalid(
      `${imagesFile.name} has ${count} images but ${labelsFile.name} has ${labels.shape[0]} labels.`,
      { images: count, labels: labels.shape[0] },
    );
  }
  const labelData = labels.data as Uint8Array;
  const classes = descriptor.classNames.length;
  for (let i = 0; i < labelData.length; i++) {
    if (labelData[i] >= classes) {
      throw invalid(
        `${labelsFile.name} has label ${labelData[i]} at index ${i}, but ${descriptor.id} has only ${classes} classes.`,
        { file: labelsFile.name, index: i, label: labelData[i], classes },
      );
    }
  }
  return {
    dataset: descriptor.id,
    split,
    images: images.data as Uint8Array,
    labels: labelData,
    count,
    imageShape: descriptor.imageShape,
    classNames: descriptor.classNames,
  };
}
