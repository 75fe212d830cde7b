// Tests of the tables, the references and the Markdown report.
import { describe, expect, it } from 'vitest';
import { paritySentences, renderMarkdown } from '../src/report.ts';
import { rowProblems } from '../src/rows.ts';
import {
  datasetTable,
  referenceTable,
  resultTable,
  tableToHtml,
  tableToMarkdown,
} from '../src/table.ts';
import { fakeReport, fakeRow, fakeRows } from './fixtures.ts';

describe('resultTable', () => {
  const table = resultTable(fakeRows());
  const column = (header: string) => table.headers.indexOf(header);
  const bestRows = (header: string) =>
    table.rows.flatMap((row, i) => (row[column(header)].best ? [i] : []));

  it('has one row per baseline and every column filled', () => {
    expect(table.rows).toHaveLength(5);
    for (const row of table.rows) expect(row).toHaveLength(table.headers.length);
  });

  it('marks the best figure of each column, ties included', () => {
    // tfjs-cnn and its ONNX export tie at 0.8700.
    expect(bestRows('test accuracy')).toEqual([2, 3]);
    expect(bestRows('train time (s)')).toEqual([0]);
    expect(bestRows('train samples/s')).toEqual([0]);
    expect(bestRows('inference images/s')).toEqual([1]);
    expect(bestRows('peak RSS (MB)')).toEqual([1]);
    expect(bestRows('baseline')).toEqual([]);
  });

  it('leaves the training columns of ONNX rows blank and names the row that trained the model', () => {
    const onnx = table.rows[1];
    expect(onnx[column('train time (s)')].text).toBe('–');
    expect(onnx[column('train samples/s')].text).toBe('–');
    expect(onnx[column('training')].text).toBe('model of tfjs-mlp');
    expect(table.rows[0][column('training')].text).toBe('10,000 × 2 epochs');
  });

  it('names the thread count beside the backend where a row ran on more than one', () => {
    const threaded = resultTable([
      fakeRow('tfjs-cnn', { threads: 2 }),
      fakeRow('tfjs-mlp', { threads: 1 }),
      fakeRow('brain-mlp'),
    ]);
    const backend = threaded.headers.indexOf('runtime · backend');
    expect(threaded.rows.map((row) => row[backend].text)).toEqual([
      `${fakeRow('tfjs-cnn').runtime} · ${fakeRow('tfjs-cnn').backend} (2 threads)`,
      `${fakeRow('tfjs-mlp').runtime} · ${fakeRow('tfjs-mlp').backend}`,
      `${fakeRow('brain-mlp').runtime} · ${fakeRow('brain-mlp').backend}`,
    ]);
  });

  it('marks nothing where a column has fewer than two figures, and treats 0 as not measured', () => {
    const single = resultTable([fakeRow('tfjs-mlp')]);
    expect(single.rows[0].some((c) => c.best)).toBe(false);
    const browser = resultTable([
      fakeRow('tfjs-mlp', { peakRssMB: 0 }),
      fakeRow('brain-mlp', { peakRssMB: Number.NaN }),
    ]);
    const rss = browser.headers.indexOf('peak RSS (MB)');
    expect(browser.rows.map((r) => r[rss])).toEqual([
      { text: '–', best: false },
      { text: '–', best: false },
    ]);
  });

  it('renders as Markdown with the best cells bold and starred', () => {
    const md = tableToMarkdown(table);
    const lines = md.split('\n');
    expect(lines).toHaveLength(7);
    expect(lines[1]).toMatch(/^\| --- \| --- \| --- \| --- \| ---: \|/);
    expect(lines[4]).toContain('**0.8700** ★');
    expect(lines[2]).toContain('**9.5** ★');
    expect(lines[2]).not.toContain('**0.8400**');
  });

  it('renders as HTML with escaped text and best cells classed', () => {
    const html = tableToHtml(
      resultTable([fakeRow('tfjs-mlp', { model: '<b>' }), fakeRow('brain-mlp')]),
    );
    expect(html).toContain('&lt;b&gt;');
    expect(html).toContain('class="best"');
    expect(html.match(/<tr>/g)).toHaveLength(3);
  });
});

describe('references and datasets', () => {
  it('lists the published Fashion-MNIST numbers, best first, with how many rows reach each', () => {
    const table = referenceTable('fashion-mnist', fakeRows());
    expect(table.rows.map((r) => r[1].text)).toEqual([
      '0.916',
      '0.897',
      '0.880',
      '0.871',
      '0.842',
      '0.835',
    ]);
    expect(table.rows[0][0].text).toBe('2 conv + pooling CNN');
    // 0.842: the two 0.87 rows; 0.835: those and the two 0.84 rows.
    expect(table.rows[4][2].text).toBe('2 of 5');
    expect(table.rows[5][2].text).toBe('4 of 5');
  });

  it('lists the MNIST numbers for MNIST', () => {
    const table = referenceTable('mnist', fakeRows('mnist'));
    expect(table.rows.map((r) => [r[0].text, r[1].text])).toEqual([
      ['scikit-learn SVC', '0.973'],
      ['scikit-learn MLPClassifier', '0.972'],
    ]);
  });

  it('puts both datasets side by side with the gap', () => {
    const rows = [...fakeRows('fashion-mnist'), ...fakeRows('mnist')];
    const table = datasetTable(rows, ['fashion-mnist', 'mnist']);
    expect(table.headers).toEqual([
      'baseline',
      'Fashion-MNIST accuracy',
      'MNIST accuracy',
      'MNIST − Fashion-MNIST',
    ]);
    expect(table.rows[0].map((c) => c.text)).toEqual([
      'tfjs mlp-128',
      '0.8400',
      '0.9400',
      '+10.00 pts',
    ]);
  });
});

describe('rows', () => {
  it('accepts a complete row', () => {
    expect(rowProblems(fakeRow('tfjs-cnn'))).toEqual([]);
  });

  it('names missing fields and inconsistent matrices', () => {
    const { peakRssMB: _, ...missing } = fakeRow('tfjs-cnn');
    expect(rowProblems(missing)).toEqual(['tfjs tfjs-cnn: peakRssMB is missing']);
    expect(rowProblems(fakeRow('tfjs-cnn', { trainSeconds: null as never }))).toEqual([
      'tfjs tfjs-cnn: trainSeconds is missing',
    ]);
    expect(rowProblems(fakeRow('tfjs-cnn', { testSamples: 999 }))[0]).toMatch(/does not add up/);
    expect(rowProblems(fakeRow('tfjs-cnn', { testAccuracy: 1.5 }))[0]).toMatch(/not in \[0, 1\]/);
  });
});

describe('renderMarkdown', () => {
  it('writes the settings, machine, table, references, parity and charts', () => {
    const md = renderMarkdown(fakeReport(), [
      {
        name: 'accuracy',
        title: 'Accuracy',
        svg: 'charts/accuracy.svg',
        png: 'charts/accuracy.png',
      },
      { name: 'confusion-x', title: 'Confusion X', svg: 'charts/confusion-x.svg' },
    ]);
    expect(md).toMatch(/^# Cross-framework comparison: Fashion-MNIST\n/);
    expect(md).toContain(
      '**quick** mode: every baseline trained on the first 10,000 training images',
    );
    expect(md).toContain('Test CPU (2 logical cores), 23.4 GB memory, Node v20.0.0, linux x64');
    expect(md).toContain('| baseline | runtime · backend |');
    expect(md).toContain('| scikit-learn SVC | 0.897 |');
    expect(md).toContain('identical confusion matrices');
    expect(md).toContain('![Accuracy](charts/accuracy.svg)');
    expect(md).toContain('- [Confusion X](charts/confusion-x.svg)');
    expect(md).not.toContain('Fashion-MNIST against MNIST');
  });

  it('adds the side-by-side section when both datasets ran', () => {
    const md = renderMarkdown(fakeReport(['fashion-mnist', 'mnist']));
    expect(md).toContain('# Cross-framework comparison: Fashion-MNIST and MNIST');
    expect(md).toContain('## MNIST');
    expect(md).toContain('## Fashion-MNIST against MNIST');
  });

  it('says how far an ONNX export is from its tfjs model when predictions differ', () => {
    const rows = [
      fakeRow('tfjs-mlp', { testAccuracy: 0.85 }),
      fakeRow('onnx-mlp', { testAccuracy: 0.84 }),
    ];
    expect(paritySentences(rows)).toEqual([
      'tfjs mlp-128 (wasm) 0.8500 -> exported to ONNX -> onnxruntime-node (cpu) 0.8400: 10 of 1000 predictions in other cells.',
    ]);
  });
});
