/**
 * A small metrics registry: counters, gauges and histograms with labels, kept in memory and
 * read out as plain data (`collect()`), which the Prometheus writer and the JSON snapshot both
 * use. Written here rather than taken from prom-client because we need only these three kinds,
 * no default collectors and no global registry, and the exposition format is a few lines.
 * Label names are fixed per metric; label values must come from bounded sets (node types,
 * route patterns, statuses), never from raw client input.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram';
export type Labels = Readonly<Record<string, string>>;

export interface MetricOptions {
  /** Full metric name, e.g. `switchyard_runs_total` (Prometheus rules: `[a-zA-Z_:][a-zA-Z0-9_:]*`). */
  name: string;
  help: string;
  labelNames?: readonly string[];
}

export interface HistogramOptions extends MetricOptions {
  /** Upper bounds, increasing; `+Inf` is implied. */
  buckets: readonly number[];
}

export interface Sample {
  labels: Labels;
  value: number;
}

export interface HistogramSample {
  labels: Labels;
  /** Cumulative counts per upper bound, in bucket order; the last bound is `Infinity`. */
  buckets: { le: number; count: number }[];
  sum: number;
  count: number;
}

export type MetricFamily =
  | { name: string; help: string; type: 'counter' | 'gauge'; samples: Sample[] }
  | { name: string; help: string; type: 'histogram'; samples: HistogramSample[] };

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function checkOptions(options: MetricOptions): readonly string[] {
  if (!NAME.test(options.name)) throw new RangeError(`invalid metric name ${JSON.stringify(options.name)}`);
  const labelNames = options.labelNames ?? [];
  for (const label of labelNames) {
    if (!LABEL_NAME.test(label) || label.startsWith('__') || label === 'le') throw new RangeError(`invalid label name ${JSON.stringify(label)} on ${options.name}`);
  }
  return labelNames;
}

/** One child per distinct combination of label values, keyed by the values joined. */
class LabelledSeries<T> {
  private readonly children = new Map<string, { labels: Labels; state: T }>();

  constructor(
    private readonly metric: string,
    private readonly labelNames: readonly string[],
    private readonly create: () => T,
  ) {}

  child(labels: Labels | undefined): T {
    const given = labels ?? {};
    const keys = Object.keys(given);
    if (keys.length !== this.labelNames.length || keys.some((k) => !this.labelNames.includes(k))) {
      throw new RangeError(`${this.metric} takes labels [${this.labelNames.join(', ')}], got [${keys.join(', ')}]`);
    }
    const key = this.labelNames.map((name) => given[name]).join('\u0000');
    let entry = this.children.get(key);
    if (entry === undefined) {
      const copy: Record<string, string> = {};
      for (const name of this.labelNames) copy[name] = String(given[name]);
      entry = { labels: copy, state: this.create() };
      this.children.set(key, entry);
    }
    return entry.state;
  }

  entries(): { labels: Labels; state: T }[] {
    return [...this.children.values()];
  }

  clear(): void {
    this.children.clear();
  }
}

/** What counters and gauges share: one number per label set, unlabelled ones present from the start. */
abstract class ValueMetric {
  readonly name: string;
  readonly help: string;
  protected readonly series: LabelledSeries<{ value: number }>;

  constructor(options: MetricOptions) {
    const labelNames = checkOptions(options);
    this.name = options.name;
    this.help = options.help;
    this.series = new LabelledSeries(options.name, labelNames, () => ({ value: 0 }));
    // An unlabelled metric exists from the start, so it reads 0 rather than being absent.
    if (labelNames.length === 0) this.series.child(undefined);
  }

  get(labels?: Labels): number {
    return this.series.child(labels).value;
  }

  samples(): Sample[] {
    return this.series.entries().map(({ labels, state }) => ({ labels, value: state.value }));
  }
}

export class Counter extends ValueMetric {
  readonly type = 'counter';

  /** Adds `amount` (default 1; must not be negative). */
  inc(labels?: Labels, amount = 1): void {
    if (!(amount >= 0)) throw new RangeError(`${this.name}: a counter only goes up (got ${amount})`);
    this.series.child(labels).value += amount;
  }

  /** Creates the series for these labels at 0 (so it is exported before the first event). */
  touch(labels?: Labels): void {
    this.series.child(labels);
  }
}

export class Gauge extends ValueMetric {
  readonly type = 'gauge';

  set(value: number, labels?: Labels): void {
    this.series.child(labels).value = value;
  }

  inc(amount = 1, labels?: Labels): void {
    this.series.child(labels).value += amount;
  }
}

interface HistogramState {
  /** Non-cumulative counts per bucket (the last one is +Inf). */
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram {
  readonly type = 'histogram';
  readonly name: string;
  readonly help: string;
  readonly bounds: readonly number[];
  private readonly series: LabelledSeries<HistogramState>;

  constructor(options: HistogramOptions) {
    const labelNames = checkOptions(options);
    const bounds = [...options.buckets];
    for (let i = 0; i < bounds.length; i++) {
      if (!Number.isFinite(bounds[i]) || (i > 0 && bounds[i]! <= bounds[i - 1]!)) throw new RangeError(`${options.name}: buckets must be finite and increasing`);
    }
    this.name = options.name;
    this.help = options.help;
    this.bounds = [...bounds, Infinity];
    this.series = new LabelledSeries(options.name, labelNames, () => ({ counts: new Array<number>(this.bounds.length).fill(0), sum: 0, count: 0 }));
    if (labelNames.length === 0) this.series.child(undefined);
  }

  observe(value: number, labels?: Labels): void {
    if (Number.isNaN(value)) throw new RangeError(`${this.name}: cannot observe NaN`);
    const state = this.series.child(labels);
    let index = 0;
    while (value > this.bounds[index]!) index++;
    state.counts[index]!++;
    state.sum += value;
    state.count++;
  }

  /** Count and sum of one series (zeros when it was never observed). */
  totals(labels?: Labels): { count: number; sum: number } {
    const state = this.series.child(labels);
    return { count: state.count, sum: state.sum };
  }

  samples(): HistogramSample[] {
    return this.series.entries().map(({ labels, state }) => {
      let cumulative = 0;
      const buckets = this.bounds.map((le, i) => {
        cumulative += state.counts[i]!;
        return { le, count: cumulative };
      });
      return { labels, buckets, sum: state.sum, count: state.count };
    });
  }
}

export type Metric = Counter | Gauge | Histogram;

/** A hook run before each collection, to set gauges from their sources (cache, memory, queue). */
export type Collector = () => void | Promise<void>;

export class MetricsRegistry {
  private readonly metrics = new Map<string, Metric>();
  private readonly collectors: Collector[] = [];

  counter(options: MetricOptions): Counter {
    return this.add(new Counter(options));
  }

  gauge(options: MetricOptions): Gauge {
    return this.add(new Gauge(options));
  }

  histogram(options: HistogramOptions): Histogram {
    return this.add(new Histogram(options));
  }

  onCollect(collector: Collector): void {
    this.collectors.push(collector);
  }

  /** Runs the collectors, then answers every metric's samples, in registration order. */
  async collect(): Promise<MetricFamily[]> {
    for (const collector of this.collectors) await collector();
    return [...this.metrics.values()].map((metric): MetricFamily => {
      if (metric.type === 'histogram') return { name: metric.name, help: metric.help, type: 'histogram', samples: metric.samples() };
      return { name: metric.name, help: metric.help, type: metric.type, samples: metric.samples() };
    });
  }

  private add<M extends Metric>(metric: M): M {
    if (this.metrics.has(metric.name)) throw new RangeError(`metric ${metric.name} is registered twice`);
    this.metrics.set(metric.name, metric);
    return metric;
  }
}
