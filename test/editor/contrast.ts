/**
 * WCAG 2 contrast from CSS colours as `getComputedStyle` gives them (`rgb(…)`, `rgba(…)`, and
 * the space-separated forms): relative luminance, the ratio of two colours, and the colour an
 * element's text finally sits on, found by laying its and its ancestors' backgrounds (some
 * translucent) over each other.
 */

export interface Rgba {
  r: number;
  g: number;
  b: number;
  a: number;
}

/** A computed CSS colour; throws on any other form (a test should then say which). */
export function parseColor(text: string): Rgba {
  const match = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/.exec(text.trim());
  if (!match) throw new Error(`not a computed rgb() colour: ${JSON.stringify(text)}`);
  const alpha = match[4] === undefined ? 1 : match[4].endsWith('%') ? Number(match[4].slice(0, -1)) / 100 : Number(match[4]);
  return { r: Number(match[1]), g: Number(match[2]), b: Number(match[3]), a: alpha };
}

export function parseHex(hex: string): Rgba {
  const digits = hex.replace('#', '');
  const full = digits.length === 3 ? [...digits].map((d) => d + d).join('') : digits;
  return { r: parseInt(full.slice(0, 2), 16), g: parseInt(full.slice(2, 4), 16), b: parseInt(full.slice(4, 6), 16), a: 1 };
}

/** `top` laid over the opaque `bottom`. */
export function over(top: Rgba, bottom: Rgba): Rgba {
  const mix = (t: number, b: number) => t * top.a + b * (1 - top.a);
  return { r: mix(top.r, bottom.r), g: mix(top.g, bottom.g), b: mix(top.b, bottom.b), a: 1 };
}

export function luminance(color: Rgba): number {
  const channel = (value: number) => {
    const c = value / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b);
}

/** The contrast ratio of two opaque colours, 1 to 21. */
export function contrastRatio(a: Rgba, b: Rgba): number {
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (high + 0.05) / (low + 0.05);
}

/** The opaque colour under an element: `layers` are background colours from the page root inwards. */
export function backdrop(layers: readonly string[]): Rgba {
  let colour: Rgba = { r: 255, g: 255, b: 255, a: 1 };
  for (const layer of layers) colour = over(parseColor(layer), colour);
  return colour;
}

/** The ratio of a text colour (perhaps translucent) to the backdrop its element's layers make. */
export function textContrast(color: string, layers: readonly string[]): number {
  const under = backdrop(layers);
  return contrastRatio(over(parseColor(color), under), under);
}
