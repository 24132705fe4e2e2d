import { describe, expect, it } from 'vitest';
import { PLOT_CONFIG, VEGA_LITE_SCHEMA, renderSvg, type TopLevelSpec } from '../src/plots.js';

describe('renderSvg', () => {
  it('renders a Vega-Lite spec to a standalone SVG without a browser', async () => {
    const spec = {
      $schema: VEGA_LITE_SCHEMA,
      config: PLOT_CONFIG,
      title: 'a line',
      data: { values: [{ x: 0, y: 1 }, { x: 1, y: 3 }] },
      mark: 'line',
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
    } as TopLevelSpec;
    const svg = await renderSvg(spec);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('a line');
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  });
});
