// The two charts, as Vega-Lite specs compiled once and rendered by Vega to SVG; later updates only
// replace the named data sets, so a redraw every few steps is cheap (the curve is recompiled only
// when its axis titles change).
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { X_DOMAIN, Y_DOMAIN, type Point } from './data.js';
import type { BandRow } from './band.js';

export interface LossRow {
  readonly step: number;
  readonly loss: number;
}

function mount(container: HTMLElement, spec: TopLevelSpec): View {
  return new View(parse(compile(spec).spec), { renderer: 'svg', container, hover: true });
}

/** Points, the 95% band, the predictive mean and mean ± 2 sd; `onClick(point, shift)` gets plot coordinates. */
export function createFitPlot(container: HTMLElement, onClick: (p: Point, shift: boolean) => void) {
  const x = { field: 'x', type: 'quantitative' as const, scale: { domain: [X_DOMAIN[0], X_DOMAIN[1]], nice: false }, title: 'x' };
  const y = { type: 'quantitative' as const, scale: { domain: [Y_DOMAIN[0], Y_DOMAIN[1]], nice: false }, title: 'y' };
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 560,
    height: 340,
    layer: [
      { data: { name: 'band' }, mark: { type: 'area', opacity: 0.25, color: '#4c78a8', clip: true }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' } } },
      { data: { name: 'sd' }, mark: { type: 'line', strokeDash: [4, 3], color: '#4c78a8', clip: true }, encoding: { x, y: { ...y, field: 'v' }, detail: { field: 'side' } } },
      { data: { name: 'band' }, mark: { type: 'line', color: '#1f4e79', strokeWidth: 2, clip: true }, encoding: { x, y: { ...y, field: 'mean' } } },
      { data: { name: 'points' }, mark: { type: 'point', filled: true, color: '#e45756', size: 50 }, encoding: { x, y: { ...y, field: 'y' } } },
    ],
  };
  const view = mount(container, spec);
  container.addEventListener('click', (event) => {
    // The plot area is the root frame's background rect, drawn from (0.5, 0.5) for a crisp stroke.
    const frame = container.querySelector('.role-frame.root path.background');
    if (!frame) return;
    const box = frame.getBoundingClientRect();
    const px = event.clientX - box.left + 0.5;
    const py = event.clientY - box.top + 0.5;
    onClick({ x: view.scale('x').invert(px), y: view.scale('y').invert(py) }, event.shiftKey);
  });
  return {
    async setPoints(points: readonly Point[]) {
      await view.data('points', points.map((p) => ({ ...p }))).runAsync();
    },
    async setBand(rows: readonly BandRow[]) {
      const sd = rows.flatMap((r) => [
        { x: r.x, v: r.mean - 2 * r.sd, side: 'lower' },
        { x: r.x, v: r.mean + 2 * r.sd, side: 'upper' },
      ]);
      await view.data('band', rows.map((r) => ({ ...r }))).data('sd', sd).runAsync();
    },
  };
}

/** The training curve: loss against step (axis titles may change between calls, e.g. NUTS's −log density per draw). */
export function createLossPlot(container: HTMLElement) {
  const spec = (x: string, y: string): TopLevelSpec => ({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 560,
    height: 160,
    data: { name: 'loss' },
    mark: { type: 'line', color: '#f58518' },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: x },
      y: { field: 'loss', type: 'quantitative', title: y, scale: { zero: false } },
    },
  });
  let titles = 'step\u0000loss';
  let view = mount(container, spec('step', 'loss'));
  return {
    async setLoss(rows: readonly LossRow[], axes: { x: string; y: string } = { x: 'step', y: 'loss' }) {
      if (`${axes.x}\u0000${axes.y}` !== titles) {
        view.finalize();
        container.replaceChildren();
        titles = `${axes.x}\u0000${axes.y}`;
        view = mount(container, spec(axes.x, axes.y));
      }
      await view.data('loss', rows.map((r) => ({ ...r }))).runAsync();
    },
  };
}
