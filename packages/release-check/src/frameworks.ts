/**
 * The ML frameworks the adapters wrap, by family. A package may only reach a framework through
 * `peerDependencies` (the user picks and installs the framework), and installing one adapter must
 * not bring another family's packages along.
 */
export const FRAMEWORK_FAMILIES = {
  tfjs: /^@tensorflow\//,
  onnx: /^onnxruntime-/,
  brain: /^(brain\.js|gpu\.js)$/,
} as const;

/** A framework family id: `tfjs`, `onnx` or `brain`. */
export type FrameworkFamily = keyof typeof FRAMEWORK_FAMILIES;

/** The family a package name belongs to, or `undefined` for anything that is not a framework. */
export function frameworkFamily(packageName: string): FrameworkFamily | undefined {
  for (const [family, pattern] of Object.entries(FRAMEWORK_FAMILIES)) {
    if (pattern.test(packageName)) return family as FrameworkFamily;
  }
  return undefined;
}

/** True for a package of any framework family. */
export function isFramework(packageName: string): boolean {
  return frameworkFamily(packageName) !== undefined;
}
