// How a run's machine and device are named in a merged report: browser, GPU, backends, a short label.
import { type CompareReport, describeAdapter, type MachineFacts } from './report.ts';
import type { CompareRow } from './rows.ts';

/**
 * A browser's name and version from its user agent string: `'Firefox 128.0'`, `'Edge 126.0…'`,
 * `'Chrome 150.0…'` (also Chromium and headless Chrome), `'Safari 17.5'`; null when none fits.
 * Order matters: Edge and Opera carry `Chrome/` too, Chrome carries `Safari/`.
 */
export function browserFromUserAgent(userAgent: string): string | null {
  const patterns: [string, RegExp][] = [
    ['Firefox', /Firefox\/([\d.]+)/],
    ['Edge', /Edg(?:e|A|iOS)?\/([\d.]+)/],
    ['Opera', /OPR\/([\d.]+)/],
    ['Headless Chrome', /HeadlessChrome\/([\d.]+)/],
    ['Chrome', /(?:Chrome|CriOS)\/([\d.]+)/],
    ['Safari', /Version\/([\d.]+).*Safari\//],
  ];
  for (const [name, pattern] of patterns) {
    const match = pattern.exec(userAgent);
    if (match) return `${name} ${match[1]}`;
  }
  return null;
}

/** The browser of a run's machine: the recorded name, else one read from the user agent. */
function browserOf(machine: MachineFacts): string | null {
  return machine.browser ?? (machine.userAgent ? browserFromUserAgent(machine.userAgent) : null);
}

/**
 * The accelerator a run's machine offered, by name: the WebGPU adapter, else the WebGL renderer
 * (a page) or the NVIDIA GPU (Node); null when it had none.
 */
export function deviceName(machine: MachineFacts): string | null {
  if (machine.webgpu) return describeAdapter(machine.webgpu);
  return machine.gpu ?? null;
}

/**
 * The backends a run's rows actually used, one per framework: `'tfjs webgl, onnxruntime-web
 * wasm, brain.js gpu.js-webgl2'` (onnxruntime's execution provider that ran, not the ones tried).
 */
export function backendsUsed(rows: readonly CompareRow[]): string {
  const seen = new Map<string, Set<string>>();
  for (const row of rows) {
    const backend = String(row.executionProvider ?? row.backend);
    if (!seen.has(row.framework)) seen.set(row.framework, new Set());
    seen.get(row.framework)!.add(backend);
  }
  return [...seen].map(([framework, set]) => `${framework} ${[...set].join('/')}`).join(', ');
}

/**
 * A short name of the machine and platform a run ran on, for table cells and chart legends:
 * `'AMD EPYC ×2 · Node v20.20.2'`, `'Chrome 150.0 ×16 · SwiftShader …'`. Two runs of the same
 * machine and platform get the same label; a merge tells them apart by number.
 */
export function machineLabel(report: Pick<CompareReport, 'machine'>): string {
  const { machine } = report;
  const browser = browserOf(machine);
  const platform = browser ?? (machine.nodeVersion ? `Node ${machine.nodeVersion}` : 'unknown');
  const cpu = machine.cpuModel.startsWith('unknown')
    ? `${machine.cores} cores`
    : `${machine.cpuModel} ×${machine.cores}`;
  const device = deviceName(machine);
  return [platform, cpu, device ? shorten(device, 48) : null].filter(Boolean).join(' · ');
}

/** At most `max` characters, with an ellipsis where cut (WebGL renderer strings run long). */
function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/** The machine facts a merged report lists per run: CPU, cores, memory, GPU, browser, Node. */
export function machineColumns(
  machine: MachineFacts,
  rows: readonly CompareRow[],
): Record<string, string> {
  return {
    CPU: machine.cpuModel,
    cores: String(machine.cores),
    memory: machine.memoryGB === null ? '–' : `${machine.memoryGB} GB`,
    'GPU / adapter':
      [
        machine.webgpu ? `WebGPU: ${describeAdapter(machine.webgpu)}` : null,
        machine.gpu ? (machine.userAgent ? `WebGL: ${machine.gpu}` : machine.gpu) : null,
      ]
        .filter(Boolean)
        .join('; ') || '–',
    'browser / Node':
      browserOf(machine) ?? (machine.nodeVersion ? `Node ${machine.nodeVersion}` : '–'),
    platform: `${machine.platform} ${machine.arch}`.trim(),
    backends: backendsUsed(rows) || '–',
  };
}
