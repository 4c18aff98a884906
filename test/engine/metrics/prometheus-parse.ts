/**
 * A strict reader of the Prometheus text exposition format 0.0.4, for tests: it checks every
 * line against the format's grammar (HELP/TYPE comments, samples with escaped label values,
 * values including +Inf/-Inf/NaN), that each sample belongs to a family whose TYPE came first,
 * that no series appears twice, and that histograms are cumulative and end at +Inf = _count.
 * It throws on the first violation, naming the line.
 */

export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ParsedFamily {
  name: string;
  help: string;
  type: string;
  samples: ParsedSample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*';
const SAMPLE = new RegExp(`^(${NAME})(\\{(.*)\\})? (\\S+)( -?\\d+)?$`);
const LABEL_PAIR = new RegExp(`^(${LABEL})="((?:[^"\\\\\\n]|\\\\["\\\\n])*)"`);

function parseValue(text: string, line: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  if (!/^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw new Error(`bad value ${JSON.stringify(text)} in: ${line}`);
  return Number(text);
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest.length > 0) {
    const match = LABEL_PAIR.exec(rest);
    if (!match) throw new Error(`bad labels in: ${line}`);
    const [whole, name, raw] = match;
    if (name! in labels) throw new Error(`label ${name} twice in: ${line}`);
    labels[name!] = raw!.replace(/\\(["\\n])/g, (_m, c: string) => (c === 'n' ? '\n' : c));
    rest = rest.slice(whole.length);
    if (rest.startsWith(',')) rest = rest.slice(1);
    else if (rest.length > 0) throw new Error(`expected , between labels in: ${line}`);
  }
  return labels;
}

function familyOf(sampleName: string, families: Map<string, ParsedFamily>): ParsedFamily | undefined {
  const direct = families.get(sampleName);
  if (direct) return direct;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (sampleName.endsWith(suffix)) {
      const family = families.get(sampleName.slice(0, -suffix.length));
      if (family?.type === 'histogram' || family?.type === 'summary') return family;
    }
  }
  return undefined;
}

export function parsePrometheus(text: string): Map<string, ParsedFamily> {
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  const families = new Map<string, ParsedFamily>();
  const helps = new Map<string, string>();
  const seen = new Set<string>();
  for (const line of text.split('\n').slice(0, -1)) {
    if (line.startsWith('#')) {
      const help = new RegExp(`^# HELP (${NAME}) (.*)$`).exec(line);
      const type = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`).exec(line);
      if (help) {
        if (helps.has(help[1]!)) throw new Error(`HELP twice for ${help[1]}`);
        if (/\\[^\\n]/.test(help[2]!.replace(/\\\\/g, ''))) throw new Error(`bad escape in HELP: ${line}`);
        helps.set(help[1]!, help[2]!);
      } else if (type) {
        if (families.has(type[1]!)) throw new Error(`TYPE twice for ${type[1]}`);
        families.set(type[1]!, { name: type[1]!, help: helps.get(type[1]!) ?? '', type: type[2]!, samples: [] });
      } else if (line.startsWith('# HELP') || line.startsWith('# TYPE')) {
        throw new Error(`malformed comment: ${line}`);
      }
      continue;
    }
    if (line.trim() === '') continue;
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`malformed sample: ${line}`);
    const [, name, , labelText, valueText] = match;
    const family = familyOf(name!, families);
    if (!family) throw new Error(`sample before its TYPE line: ${line}`);
    const labels = parseLabels(labelText ?? '', line);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(key)) throw new Error(`series twice: ${line}`);
    seen.add(key);
    family.samples.push({ name: name!, labels, value: parseValue(valueText!, line) });
  }
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

function checkHistogram(family: ParsedFamily): void {
  const groups = new Map<string, { buckets: { le: number; value: number }[]; count?: number; sum?: number }>();
  for (const sample of family.samples) {
    const { le, ...rest } = sample.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const group = groups.get(key) ?? { buckets: [] };
    groups.set(key, group);
    if (sample.name === `${family.name}_bucket`) {
      if (le === undefined) throw new Error(`${family.name}_bucket without le`);
      group.buckets.push({ le: parseValue(le, sample.name), value: sample.value });
    } else if (sample.name === `${family.name}_count`) group.count = sample.value;
    else if (sample.name === `${family.name}_sum`) group.sum = sample.value;
    else throw new Error(`unexpected sample ${sample.name} in histogram ${family.name}`);
  }
  for (const [key, group] of groups) {
    const last = group.buckets.at(-1);
    if (!last || last.le !== Infinity) throw new Error(`${family.name}${key}: buckets must end at +Inf`);
    for (let i = 1; i < group.buckets.length; i++) {
      if (!(group.buckets[i]!.le > group.buckets[i - 1]!.le)) throw new Error(`${family.name}${key}: le not increasing`);
      if (group.buckets[i]!.value < group.buckets[i - 1]!.value) throw new Error(`${family.name}${key}: buckets not cumulative`);
    }
    if (group.count !== last.value) throw new Error(`${family.name}${key}: _count ${group.count} differs from the +Inf bucket ${last.value}`);
    if (group.sum === undefined) throw new Error(`${family.name}${key}: no _sum`);
  }
}
