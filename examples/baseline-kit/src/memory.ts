// Process memory: the peak resident set size a Node result records as `peakRssMB`.

/** Peak resident set size of this process in MB (`maxRSS` is in KB on every platform Node supports). */
export function peakRssMB(): number {
  return process.resourceUsage().maxRSS / 1024;
}
