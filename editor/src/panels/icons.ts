/** Small line icons for the panels' buttons (drawn, so they do not depend on the fonts installed). */

const SVG = 'http://www.w3.org/2000/svg';

const SHAPES = {
  expand: [['path', { d: 'M14 4h6v6M10 20H4v-6M20 4l-7 7M4 20l7-7' }]],
  download: [['path', { d: 'M12 4v11M7 10l5 5 5-5M5 20h14' }]],
  workflow: [
    ['rect', { x: '3', y: '3', width: '6', height: '5', rx: '1' }],
    ['rect', { x: '15', y: '3', width: '6', height: '5', rx: '1' }],
    ['rect', { x: '9', y: '16', width: '6', height: '5', rx: '1' }],
    ['path', { d: 'M6 8v3h12V8M12 11v5' }],
  ],
} satisfies Record<string, [string, Record<string, string>][]>;

export type IconName = keyof typeof SHAPES;

export function icon(name: IconName): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  for (const [key, value] of Object.entries({ viewBox: '0 0 24 24', width: '16', height: '16', fill: 'none', stroke: 'currentColor', 'stroke-width': '2', 'stroke-linecap': 'round', 'stroke-linejoin': 'round', 'aria-hidden': 'true', focusable: 'false' })) svg.setAttribute(key, value);
  for (const [tag, attributes] of SHAPES[name]) {
    const shape = document.createElementNS(SVG, tag);
    for (const [key, value] of Object.entries(attributes)) shape.setAttribute(key, value);
    svg.append(shape);
  }
  return svg;
}
