/**
 * The seed's plots as PNG files: learning curves (accuracy and loss, train and validation) and the
 * confusion matrix. Declared in Vega-Lite, rendered to SVG by Vega without a browser, rasterised by resvg.
 */
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { EpochLog } from '../../../shared/experiments';

async function render(spec: vl.TopLevelSpec, width: number): Promise<Buffer> {
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'width', value: width },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  })
    .render()
    .asPng();
}

/** Accuracy and loss per epoch, training vs validation; one line style per fold for k-fold. */
export function trainingPlotsPng(history: EpochLog[][], title: string): Promise<Buffer> {
  const values = history.flatMap((fold, f) =>
    fold.flatMap((e) => {
      const run = history.length > 1 ? `fold ${f + 1} ` : '';
      return [
        { epoch: e.epoch, metric: 'accuracy', series: `${run}train`, value: e.acc },
        { epoch: e.epoch, metric: 'accuracy', series: `${run}validation`, value: e.valAcc },
        { epoch: e.epoch, metric: 'loss', series: `${run}train`, value: e.loss },
        { epoch: e.epoch, metric: 'loss', series: `${run}validation`, value: e.valLoss },
      ];
    }),
  );
  const spec: vl.TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    data: { values },
    facet: { column: { field: 'metric', type: 'nominal', title: null } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 380,
      height: 260,
      mark: { type: 'line', point: values.length < 400 },
      encoding: {
        x: { field: 'epoch', type: 'quantitative', title: 'epoch' },
        y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
        color: { field: 'series', type: 'nominal', title: null },
      },
    },
  };
  return render(spec, 1000);
}

/** Counts with row-normalised colour, true class down, predicted across, as the seed drew it. */
export function confusionMatrixPng(confusion: number[][], labels: readonly string[], title: string): Promise<Buffer> {
  const values = confusion.flatMap((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((count, j) => ({ actual: labels[i], predicted: labels[j], count, share: total > 0 ? count / total : 0 }));
  });
  const spec: vl.TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    data: { values },
    width: 60 * labels.length,
    height: 60 * labels.length,
    encoding: {
      x: { field: 'predicted', type: 'nominal', sort: [...labels], title: 'predicted' },
      y: { field: 'actual', type: 'nominal', sort: [...labels], title: 'true' },
    },
    layer: [
      { mark: 'rect', encoding: { color: { field: 'share', type: 'quantitative', scale: { scheme: 'blues', domain: [0, 1] }, title: 'row share' } } },
      {
        mark: { type: 'text', fontSize: 13 },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          color: { condition: { test: 'datum.share > 0.5', value: 'white' }, value: 'black' },
        },
      },
    ],
  };
  return render(spec, Math.max(600, 80 * labels.length + 200));
}
