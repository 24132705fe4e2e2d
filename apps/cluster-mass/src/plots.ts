import { Resvg } from '@resvg/resvg-js';
import { PLOT_CONFIG as config, VEGA_LITE_SCHEMA as SCHEMA, type TopLevelSpec } from '@probdl/app-kit/plots';

// The specs are rendered to SVG by @probdl/app-kit/plots' renderSvg (Vega headless, no browser).

/** An SVG rasterised to PNG by resvg (prebuilt binary from npm), at `scale`× its size, on white. */
export function svgToPng(svg: string, scale = 2): Uint8Array {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

const MASS_DOMAIN = [13.4, 15.4];

/** Predicted against true log mass, one panel per estimator, with the one-to-one line. */
export function predictionSpec(points: { truth: number; predicted: number; method: string }[], methods: readonly string[]): TopLevelSpec {
  return {
    $schema: SCHEMA,
    config,
    title: 'Cluster masses on the test set: predicted against true log10 M200c',
    hconcat: methods.map((method) => ({
      title: method,
      width: 280,
      height: 280,
      layer: [
        {
          data: { values: points.filter((p) => p.method === method) },
          mark: { type: 'circle', size: 6, opacity: 0.35, color: '#3465a4' },
          encoding: {
            x: { field: 'truth', type: 'quantitative', title: 'true log10 M (h⁻¹ M☉)', scale: { domain: MASS_DOMAIN, clamp: true } },
            y: { field: 'predicted', type: 'quantitative', title: 'predicted log10 M', scale: { domain: MASS_DOMAIN, clamp: true } },
          },
        },
        {
          data: { values: [{ a: MASS_DOMAIN[0], b: MASS_DOMAIN[0] }, { a: MASS_DOMAIN[1], b: MASS_DOMAIN[1] }] },
          mark: { type: 'line', color: '#cc0000', strokeDash: [5, 3] },
          encoding: { x: { field: 'a', type: 'quantitative' }, y: { field: 'b', type: 'quantitative' } },
        },
      ],
    })),
  } as TopLevelSpec;
}

/** Bias and scatter (dex) per bin of true mass, one line per method. */
export function biasScatterSpec(rows: { mass: number; method: string; bias: number; scatter: number; n: number }[]): TopLevelSpec {
  const panel = (field: 'bias' | 'scatter', title: string) => ({
    title,
    width: 380,
    height: 260,
    layer: [
      {
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'mass', type: 'quantitative', title: 'true log10 M (bin centre)', scale: { domain: [13.5, 15.3] } },
          y: { field, type: 'quantitative', title: `${field} (dex)` },
          color: { field: 'method', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 3, labelLimit: 400 } },
          tooltip: [{ field: 'method' }, { field: 'mass' }, { field, format: '.3f' }, { field: 'n' }],
        },
      },
      ...(field === 'bias' ? [{ data: { values: [{ zero: 0 }] }, mark: { type: 'rule', color: '#888' }, encoding: { y: { field: 'zero', type: 'quantitative' } } }] : []),
    ],
  });
  return {
    $schema: SCHEMA,
    config,
    title: 'Residuals ε = log M_pred − log M_true per mass bin (test set)',
    data: { values: rows },
    hconcat: [panel('bias', 'bias: mean ε'), panel('scatter', 'scatter: std of ε')],
    resolve: { scale: { color: 'shared' } },
  } as TopLevelSpec;
}

/** p(log M | x) on the grid for a few test clusters, before and after dividing by the prior. */
export function posteriorSpec(curves: { cluster: string; mass: number; density: number; kind: string }[], truths: { cluster: string; truth: number }[]): TopLevelSpec {
  return {
    $schema: SCHEMA,
    config,
    title: 'MDN posteriors p(log M | x), before and after dividing by the prior',
    data: { values: curves },
    facet: { field: 'cluster', type: 'nominal', title: null, sort: truths.map((t) => t.cluster) },
    columns: 2,
    spec: {
      width: 300,
      height: 180,
      layer: [
        {
          transform: [{ filter: 'datum.kind !== "true mass"' }],
          mark: { type: 'line', strokeWidth: 2 },
          encoding: {
            x: { field: 'mass', type: 'quantitative', title: 'log10 M', scale: { domain: [13.5, 15.2] } },
            y: { field: 'density', type: 'quantitative', title: 'density (per dex)' },
            color: { field: 'kind', type: 'nominal', title: null, legend: { orient: 'top', labelLimit: 400 } },
          },
        },
        {
          transform: [{ filter: 'datum.kind === "true mass"' }],
          mark: { type: 'rule', color: 'black', strokeDash: [4, 3] },
          encoding: { x: { field: 'mass', type: 'quantitative' } },
        },
      ],
    },
  } as TopLevelSpec;
}

/** Train and test loss per epoch for each network (own panel: MSE and NLL have different units). */
export function trainingSpec(rows: { network: string; epoch: number; loss: number; split: string }[]): TopLevelSpec {
  const networks = [...new Set(rows.map((r) => r.network))];
  return {
    $schema: SCHEMA,
    config,
    title: 'Training curves',
    hconcat: networks.map((network) => ({
      title: network,
      width: 300,
      height: 220,
      data: { values: rows.filter((r) => r.network === network) },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } },
        y: { field: 'loss', type: 'quantitative', title: 'loss', scale: { zero: false } },
        color: { field: 'split', type: 'nominal', title: null, legend: { orient: 'bottom' } },
      },
    })),
  } as TopLevelSpec;
}
