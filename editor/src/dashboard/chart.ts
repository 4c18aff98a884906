/**
 * Small line charts drawn as SVG by hand (no chart library): one or more series over the same
 * sample times, scaled to the largest value (or a fixed top, like 1 for a rate), with gaps
 * where a value is null (a rate with no lookups). The figure says in words what it shows (its
 * caption, the latest values, and an aria-label for screen readers), and carries the drawn
 * figures as data attributes for tests.
 */
import { el } from '../ui/dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 300;
const HEIGHT = 80;
const PAD = 4;

export interface ChartSeries {
  label: string;
  /** CSS class of the line and its legend swatch (colour). */
  className: string;
  values: (number | null)[];
}

export interface ChartSpec {
  id: string;
  title: string;
  /** What one value is, for the caption: "per 5 s", "mean per node". */
  subtitle: string;
  format(value: number): string;
  /** A fixed top of the scale (1 for rates); otherwise the largest value. */
  max?: number;
  series: ChartSeries[];
  /** Epoch ms of each sample (the same for every series). */
  times: number[];
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string>): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  return element;
}

/** Polyline point lists, one per unbroken run of values. */
export function linePoints(values: (number | null)[], top: number): string[] {
  const runs: string[] = [];
  let current: string[] = [];
  const step = values.length > 1 ? (WIDTH - 2 * PAD) / (values.length - 1) : 0;
  values.forEach((value, index) => {
    if (value === null || !Number.isFinite(value)) {
      if (current.length > 0) runs.push(current.join(' '));
      current = [];
      return;
    }
    const x = values.length > 1 ? PAD + index * step : WIDTH / 2;
    const y = HEIGHT - PAD - (top > 0 ? (Math.min(value, top) / top) * (HEIGHT - 2 * PAD) : 0);
    current.push(`${x.toFixed(1)},${y.toFixed(1)}`);
  });
  if (current.length > 0) runs.push(current.join(' '));
  return runs;
}

function latest(values: (number | null)[]): number | null {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null) return values[i]!;
  return null;
}

function spanText(times: number[]): string {
  if (times.length < 2) return times.length === 1 ? 'one sample' : 'no samples yet';
  const seconds = Math.round((times[times.length - 1]! - times[0]!) / 1000);
  return seconds >= 120 ? `last ${Math.round(seconds / 60)} min` : `last ${seconds} s`;
}

export function drawChart(spec: ChartSpec): HTMLElement {
  const all = spec.series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const largest = all.length > 0 ? Math.max(...all) : 0;
  const top = spec.max ?? (largest > 0 ? largest : 1);
  const drawing = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, preserveAspectRatio: 'none', class: 'chart-svg', role: 'img' });
  drawing.append(svg('line', { x1: '0', x2: String(WIDTH), y1: String(HEIGHT - PAD), y2: String(HEIGHT - PAD), class: 'chart-axis' }));
  let points = 0;
  for (const series of spec.series) {
    for (const run of linePoints(series.values, top)) {
      const count = run.split(' ').length;
      points += count;
      if (count === 1) {
        const [x, y] = run.split(',');
        drawing.append(svg('circle', { cx: x!, cy: y!, r: '2.5', class: `chart-dot ${series.className}` }));
      } else drawing.append(svg('polyline', { points: run, class: `chart-line ${series.className}` }));
    }
  }
  const latestText = spec.series.map((s) => {
    const value = latest(s.values);
    return `${s.label} ${value === null ? '—' : spec.format(value)}`;
  }).join(', ');
  const span = spanText(spec.times);
  drawing.setAttribute('aria-label', `${spec.title} (${spec.subtitle}), ${span}: latest ${latestText}; highest ${spec.format(largest)}`);
  const legend = el('ul', { className: 'chart-legend' }, spec.series.map((s) => {
    const value = latest(s.values);
    return el('li', {}, [el('span', { className: `chart-swatch ${s.className}`, 'aria-hidden': 'true' }), `${s.label}: `, el('strong', {}, [value === null ? '—' : spec.format(value)])]);
  }));
  return el('figure', {
    className: 'chart', 'data-testid': `chart-${spec.id}`, 'data-points': points, 'data-max': largest, 'data-samples': spec.times.length,
    'data-total': spec.series[0]?.values.reduce<number>((sum, v) => sum + (v ?? 0), 0) ?? 0,
  }, [
    el('figcaption', {}, [el('span', { className: 'chart-title' }, [spec.title]), el('span', { className: 'chart-sub' }, [` ${spec.subtitle} · ${span}`])]),
    el('div', { className: 'chart-plot' }, [
      el('span', { className: 'chart-top', 'aria-hidden': 'true' }, [spec.format(top)]),
      drawing,
    ]),
    legend,
  ]);
}
