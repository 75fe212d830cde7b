// What a caller may choose about an exported ONNX model: input layout, names, batch size, opset, metadata.

/** Layout of the exported model's image input. */
export type OnnxInputLayout = 'nhwc' | 'nchw' | 'flat';

/** Options for `exportTfjsToOnnx`, `exportLayersModel` and `tfjsToOnnxModel`. */
export interface ExportOnnxOptions {
  /**
   * Layout of the ONNX input. Default: the tfjs model's own (`'nhwc'`, `[N,28,28,1]`, for an image
   * input; `'flat'`, `[N,784]`, for a vector input). `'nchw'` gives `[N,1,28,28]`, what most ONNX
   * tooling expects; the graph converts internally, so predictions do not change.
   */
  inputLayout?: OnnxInputLayout;
  /**
   * Image shape `[height, width, channels]` for a model whose tfjs input is a flat vector but whose
   * ONNX input should be an image layout. Default `[28, 28, 1]` when the vector has 784 entries.
   */
  imageShape?: readonly [number, number, number];
  /** Name of the graph input. Default `'input'`. */
  inputName?: string;
  /** Name of the graph output. Default `'output'`. */
  outputName?: string;
  /** Fixed batch size for the first dimension; default `null` (symbolic `'batch'`, any size). */
  batchSize?: number | null;
  /**
   * Opset version written to `opset_import`, 13 to 21. Default 13. Every operator emitted here has
   * kept its semantics since opset 13, so this only matters to tools that want a newer opset.
   */
  opset?: number;
  /** `model_version`-style free text stored as the model's `doc_string`. */
  docString?: string;
  /** Extra `metadata_props` (for example class names, training details). */
  metadata?: Record<string, string>;
  /** Graph name. Default: the tfjs model's name. */
  graphName?: string;
}
