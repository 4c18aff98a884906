/**
 * Prompt weighting as SD users write it (A1111 / ComfyUI): `(word)` multiplies the weight by
 * 1.1, `((word))` by 1.21, `(word:1.5)` by 1.5, `[word]` divides by 1.1; groups nest and
 * multiply; `\(` `\)` `\[` `\]` are literal brackets, and an unmatched bracket is literal text.
 * The result is the prompt as segments with their weights, adjacent equal weights merged.
 */

export interface WeightedSegment {
  text: string;
  weight: number;
}

const UP = 1.1;

interface Group {
  open: '(' | '[';
  start: number;
  parts: WeightedSegment[];
}

/** Splits `prompt` into weighted segments. */
export function parsePromptWeights(prompt: string): WeightedSegment[] {
  const root: WeightedSegment[] = [];
  const stack: Group[] = [];
  let text = '';
  const target = (): WeightedSegment[] => stack.at(-1)?.parts ?? root;
  const flush = () => {
    if (text !== '') target().push({ text, weight: 1 });
    text = '';
  };
  for (let i = 0; i < prompt.length; i++) {
    const c = prompt[i]!;
    if (c === '\\' && i + 1 < prompt.length && '()[]\\'.includes(prompt[i + 1]!)) {
      text += prompt[++i];
    } else if (c === '(' || c === '[') {
      flush();
      stack.push({ open: c, start: i, parts: [] });
    } else if ((c === ')' && stack.at(-1)?.open === '(') || (c === ']' && stack.at(-1)?.open === '[')) {
      const group = stack.at(-1)!;
      let factor = group.open === '(' ? UP : 1 / UP;
      // "(text:1.5)": an explicit weight at the end of a round group replaces the 1.1.
      const explicit = group.open === '(' ? /^(.*):\s*([+-]?(?:\d+\.?\d*|\.\d+))\s*$/s.exec(text) : null;
      if (explicit) {
        text = explicit[1]!;
        factor = Number(explicit[2]);
      }
      flush(); // the group's last text, into the group
      stack.pop();
      for (const part of group.parts) target().push({ text: part.text, weight: part.weight * factor });
    } else {
      text += c;
    }
  }
  flush();
  // Unclosed groups: their bracket is literal text and their content keeps its weight.
  while (stack.length > 0) {
    const group = stack.pop()!;
    const parts = target();
    parts.push({ text: group.open, weight: 1 }, ...group.parts);
  }
  return mergeAdjacent(root);
}

function mergeAdjacent(segments: WeightedSegment[]): WeightedSegment[] {
  const out: WeightedSegment[] = [];
  for (const segment of segments) {
    const last = out.at(-1);
    if (last && Math.abs(last.weight - segment.weight) < 1e-12) last.text += segment.text;
    else out.push({ ...segment });
  }
  return out.filter((segment) => segment.text !== '');
}
