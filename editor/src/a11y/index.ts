/**
 * Accessible basics the canvas library does not bring: its context menus work by keyboard
 * (menu-keys.ts), its value prompt is labelled and gives the focus back (value-prompt.ts), and
 * its menus and prompt get a visible focus and readable colours (a11y.css). The editor's own
 * controls are labelled where they are made (ui/, panels/).
 */
import './a11y.css';
import type { LGraphCanvas } from '@comfyorg/litegraph';
import { wireMenuKeys, type MenuKeys } from './menu-keys.js';
import { wireValuePrompt } from './value-prompt.js';

export function mountAccessibility(canvas: LGraphCanvas): MenuKeys {
  wireValuePrompt(canvas);
  return wireMenuKeys(canvas);
}
