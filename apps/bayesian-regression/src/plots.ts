import { PLOT_CONFIG as config, VEGA_LITE_SCHEMA as SCHEMA, type TopLevelSpec } from '@probdl/app-kit/plots';

// The specs are rendered to SVG by @probdl/app-kit/plots' renderSvg (Vega headless, no browser).

/** One curve of a regression plot: a mean line and optionally a band [lo, hi]. */
export interface Curve {
  readonly name: string;
  readonly x: readonly number[];
  readonly mean: readonly number[];
  readonly lo?: readonly number[];
  readonly hi?: readonly number[];
}

export interface Panel {
  readonly title: string;
  readonly points: readonly { x: number; y: number }[];
  readonly curves: readonly Curve[];
  /** Thin lines (e.g. posterior function draws), grouped by `group`. */
  readonly draws?: readonly { x: number; y: number; group: string; name: string }[];
  readonly yDomain?: readonly [number, number];
}

function panelSpec(p: Panel, width: number, height: number): Record<string, unknown> {
  const rows = p.curves.flatMap((c) => c.x.map((x, i) => ({ curve: c.name, x, mean: c.mean[i], lo: c.lo?.[i], hi: c.hi?.[i] })));
  const yScale = p.yDomain ? { domain: p.yDomain, clamp: true } : { zero: false };
  const layers: Record<string, unknown>[] = [];
  if (p.curves.some((c) => c.lo !== undefined)) {
    layers.push({
      data: { values: rows.filter((r) => r.lo !== undefined) },
      mark: { type: 'area', opacity: 0.2 },
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'lo', type: 'quantitative', scale: yScale }, y2: { field: 'hi' }, color: { field: 'curve', type: 'nominal', title: null } },
    });
  }
  if (p.draws && p.draws.length > 0) {
    layers.push({
      data: { values: p.draws },
      mark: { type: 'line', strokeWidth: 0.7, opacity: 0.35 },
      encoding: {
        x: { field: 'x', type: 'quantitative' },
        y: { field: 'y', type: 'quantitative', scale: yScale },
        detail: { field: 'group', type: 'nominal' },
        color: { field: 'name', type: 'nominal', title: null },
      },
    });
  }
  layers.push({
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 2 },
    encoding: { x: { field: 'x', type: 'quantitative', title: 'x' }, y: { field: 'mean', type: 'quantitative', title: 'y', scale: yScale }, color: { field: 'curve', type: 'nominal', title: null, legend: { orient: 'bottom', labelLimit: 400 } } },
  });
  layers.push({
    data: { values: p.points },
    mark: { type: 'circle', size: 45, color: 'black', opacity: 0.85 },
    encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative', scale: yScale } },
  });
  return { title: p.title, width, height, layer: layers, resolve: { scale: { color: 'independent' } } };
}

/** Data points with fitted curves and bands, one or more panels side by side. */
export function regressionSpec(title: string, panels: readonly Panel[], width = 360, height = 260): TopLevelSpec {
  return { $schema: SCHEMA, config, title, hconcat: panels.map((p) => panelSpec(p, width, height)) } as unknown as TopLevelSpec;
}

/** Lines of y against x, one per series, with optional marked points. */
export function lineSpec(
  title: string,
  rows: readonly { x: number; y: number; series: string }[],
  axes: { x: string; y: string; logX?: boolean },
  marks: readonly { x: number; y: number; label: string }[] = [],
): TopLevelSpec {
  const xScale = axes.logX ? { type: 'log' } : { zero: false };
  return {
    $schema: SCHEMA,
    config,
    title,
    width: 420,
    height: 260,
    layer: [
      {
        data: { values: rows },
        mark: { type: 'line', strokeWidth: 2 },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: axes.x, scale: xScale },
          y: { field: 'y', type: 'quantitative', title: axes.y, scale: { zero: false } },
          color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', labelLimit: 400 } },
        },
      },
      {
        data: { values: marks },
        mark: { type: 'point', shape: 'diamond', size: 90, filled: true, color: '#cc0000' },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, tooltip: [{ field: 'label' }] },
      },
    ],
  } as TopLevelSpec;
}

/** A heat map of `value` over a regular (w0, w1) grid with a path and marked points on top. */
export function landscapeSpec(
  title: string,
  cells: readonly { w0: number; w1: number; w0b: number; w1b: number; value: number }[],
  path: readonly { w0: number; w1: number; step: number }[],
  marks: readonly { w0: number; w1: number; label: string }[],
  valueTitle: string,
): TopLevelSpec {
  return {
    $schema: SCHEMA,
    config,
    title,
    width: 380,
    height: 340,
    layer: [
      {
        data: { values: cells },
        mark: { type: 'rect' },
        encoding: {
          x: { field: 'w0', type: 'quantitative', title: 'w0 (bias)', scale: { zero: false, nice: false } },
          x2: { field: 'w0b' },
          y: { field: 'w1', type: 'quantitative', title: 'w1 (slope)', scale: { zero: false, nice: false } },
          y2: { field: 'w1b' },
          color: { field: 'value', type: 'quantitative', title: valueTitle, scale: { scheme: 'viridis', type: 'log' } },
        },
      },
      {
        data: { values: path },
        mark: { type: 'line', color: 'white', strokeWidth: 1.5 },
        encoding: { x: { field: 'w0', type: 'quantitative' }, y: { field: 'w1', type: 'quantitative' }, order: { field: 'step' } },
      },
      {
        data: { values: marks },
        mark: { type: 'point', shape: 'cross', size: 120, filled: true, color: '#ff3333' },
        encoding: { x: { field: 'w0', type: 'quantitative' }, y: { field: 'w1', type: 'quantitative' }, tooltip: [{ field: 'label' }] },
      },
    ],
  } as TopLevelSpec;
}

/** Scatter plots of 2-D samples, one colour per source, one panel per group. */
export function samplesSpec(title: string, panels: readonly { title: string; points: readonly { a: number; b: number; source: string }[]; axes: [string, string] }[]): TopLevelSpec {
  return {
    $schema: SCHEMA,
    config,
    title,
    hconcat: panels.map((p) => ({
      title: p.title,
      width: 300,
      height: 280,
      data: { values: p.points },
      mark: { type: 'circle', size: 10, opacity: 0.45 },
      encoding: {
        x: { field: 'a', type: 'quantitative', title: p.axes[0], scale: { zero: false } },
        y: { field: 'b', type: 'quantitative', title: p.axes[1], scale: { zero: false } },
        color: { field: 'source', type: 'nominal', title: null, legend: { orient: 'bottom', labelLimit: 400 } },
      },
    })),
    resolve: { scale: { color: 'independent' } },
  } as TopLevelSpec;
}
