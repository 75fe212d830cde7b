// The facts about the page's machine that a report records: cores, browser, WebGPU adapter, WebGL renderer.
import { browserFromUserAgent } from './machineLabel.ts';
import type { MachineFacts, WebGpuAdapterFacts } from './report.ts';

/**
 * The WebGL renderer string: `WEBGL_debug_renderer_info`'s `UNMASKED_RENDERER_WEBGL` (the real
 * GPU where the browser shows it), else `RENDERER`; null without WebGL.
 */
export function webglRenderer(): string | null {
  const canvas = document.createElement('canvas');
  const gl = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
  if (!gl) return null;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
}

/** What the page needs of WebGPU (typed here: the DOM library's `GPUAdapter` lacks `info`). */
interface GpuLike {
  requestAdapter(): Promise<{
    info?: Partial<WebGpuAdapterFacts>;
    requestAdapterInfo?: () => Promise<Partial<WebGpuAdapterFacts>>;
  } | null>;
}

/**
 * The WebGPU adapter's vendor, architecture, device and description (`GPUAdapter.info`, or the
 * older `requestAdapterInfo()`); null without WebGPU or an adapter. Never rejects.
 */
export async function webgpuAdapter(): Promise<WebGpuAdapterFacts | null> {
  const gpu = (navigator as unknown as { gpu?: GpuLike }).gpu;
  if (!gpu) return null;
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return null;
    const info = adapter.info ?? (await adapter.requestAdapterInfo?.()) ?? {};
    return {
      vendor: info.vendor ?? '',
      architecture: info.architecture ?? '',
      device: info.device ?? '',
      description: info.description ?? '',
    };
  } catch {
    return null;
  }
}

/** The browser's name and version: its user-agent brands (Chromium), else the user agent. */
function browserName(): string | null {
  const data = (
    navigator as Navigator & { userAgentData?: { brands?: { brand: string; version: string }[] } }
  ).userAgentData;
  const fromUa = browserFromUserAgent(navigator.userAgent);
  // Brands give major versions only; the user agent's full version is more useful when present.
  if (fromUa) return fromUa;
  const brand = data?.brands?.find(
    (b) => !/not.?a.?brand/i.test(b.brand) && b.brand !== 'Chromium',
  );
  const chromium = data?.brands?.find((b) => b.brand === 'Chromium');
  const picked = brand ?? chromium;
  return picked ? `${picked.brand} ${picked.version}` : null;
}

/**
 * The page's machine: logical cores, memory where the browser tells (`deviceMemory`, rounded by
 * the browser), platform, user agent, browser name and version, the WebGL renderer and the WebGPU
 * adapter. A page cannot read the CPU model: `cpuModel` says so.
 */
export async function pageMachineFacts(): Promise<MachineFacts> {
  const nav = navigator as Navigator & { deviceMemory?: number };
  return {
    cpuModel: 'unknown (browser)',
    cores: navigator.hardwareConcurrency,
    memoryGB: nav.deviceMemory ?? null,
    platform: navigator.platform,
    arch: '',
    nodeVersion: null,
    userAgent: navigator.userAgent,
    browser: browserName(),
    gpu: webglRenderer(),
    webgpu: await webgpuAdapter(),
  };
}
