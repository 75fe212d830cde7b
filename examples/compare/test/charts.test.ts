// Tests of the charts: which ones, their data, SVG in Node and PNG.
import { describe, expect, it } from 'vitest';
import { accuracyChart, confusionChart, renderSvg, reportCharts } from '../src/charts.ts';
import { svgToPng } from '../src/png.ts';
import { fakeRow, fakeRows } from './fixtures.ts';
import { decodePngSize } from './png.ts';
import { checkWellFormedXml } from './xml.ts';

describe('charts', () => {
  it('makes the accuracy, per-class, two throughput and one confusion chart per row', () => {
    const charts = reportCharts(fakeRows());
    expect(charts.map((c) => c.name)).toEqual([
      'accuracy',
      'per-class',
      'train-throughput',
      'inference-throughput',
      'confusion-fashion-mnist-tfjs-mlp',
      'confusion-fashion-mnist-onnx-mlp',
      'confusion-fashion-mnist-tfjs-cnn',
      'confusion-fashion-mnist-onnx-cnn',
      'confusion-fashion-mnist-brain-mlp',
    ]);
  });

  it('puts the published references beside the baselines in the accuracy chart', () => {
    const spec = accuracyChart(fakeRows()).spec as {
      data: { values: { label: string; group: string }[] };
    };
    const labels = spec.data.values.map((v) => v.label);
    expect(labels).toContain('scikit-learn SVC');
    expect(labels).toContain('human (crowd-sourced)');
    expect(labels).toContain('tfjs cnn-small (wasm)');
    const groups = spec.data.values
      .filter((v) => v.label === 'scikit-learn SVC')
      .map((v) => v.group);
    expect(groups).toEqual(['published reference']);
  });

  it('renders every chart to well-formed SVG with the labels in it, in Node', async () => {
    const rows = [...fakeRows(), ...fakeRows('mnist')];
    for (const chart of reportCharts(rows).slice(0, 5)) {
      const svg = await renderSvg(chart.spec);
      expect(checkWellFormedXml(svg)).toBe('svg');
      expect(svg).toMatch(/<svg[^>]+width="\d+(\.\d+)?"[^>]+height="\d+/);
    }
    const svg = await renderSvg(accuracyChart(rows).spec);
    expect(svg).toContain('scikit-learn SVC');
    expect(svg).toContain('published reference');
    expect(svg).toContain('Fashion-MNIST');
    expect(svg).toContain('MNIST');
    const confusion = await renderSvg(confusionChart(fakeRow('tfjs-cnn')).spec);
    expect(confusion).toContain('Ankle boot');
    expect(confusion).toContain('>85<');
  });

  it('rasterises a chart to a PNG that decodes', async () => {
    const svg = await renderSvg(accuracyChart(fakeRows()).spec);
    const png = svgToPng(svg, { scale: 1 });
    const { width, height } = decodePngSize(png);
    const svgWidth = Number(/width="([\d.]+)"/.exec(svg)![1]);
    expect(width).toBe(Math.ceil(svgWidth));
    expect(height).toBeGreaterThan(100);
  });

  it('the XML check rejects broken markup', () => {
    expect(() => checkWellFormedXml('<svg><g></svg>')).toThrow(/closes/);
    expect(() => checkWellFormedXml('<svg a=1></svg>')).toThrow(/attribute/);
    expect(() => checkWellFormedXml('<svg>&nbsp;</svg>')).toThrow(/bare &/);
    expect(() => checkWellFormedXml('<svg/><svg/>')).toThrow(/second root/);
    expect(
      checkWellFormedXml('<?xml version="1.0"?><svg a="&amp;"><!-- x --><t>1 &lt; 2</t></svg>'),
    ).toBe('svg');
  });
});
