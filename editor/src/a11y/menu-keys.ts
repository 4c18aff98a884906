/**
 * litegraph's context menus (the node menu, the canvas menu, their submenus) by keyboard, as an
 * ARIA menu works: an opened menu takes the focus on its first entry; Up/Down, Home/End move;
 * Enter or Space picks; Right opens a submenu, Left closes it; Escape or Tab closes them all.
 * When a menu goes and leaves the focus nowhere, it goes back to the canvas. On the canvas,
 * Shift+F10 or the menu key opens the selected node's menu (the canvas menu without one).
 */
import { LGraphCanvas, LiteGraph, type LGraphNode } from '@comfyorg/litegraph';

const MENU = 'litecontextmenu';
const ENTRY = '.litemenu-entry:not(.separator):not(.disabled)';

function entries(menu: HTMLElement): HTMLElement[] {
  return [...menu.querySelectorAll<HTMLElement>(ENTRY)];
}

function focusEntry(entry: HTMLElement | undefined): void {
  entry?.focus({ preventScroll: true });
}

export interface MenuKeys {
  /** Opens the menu of the selected node (or of the canvas) where a right-click would. */
  openForSelection(): void;
}

export function wireMenuKeys(canvas: LGraphCanvas): MenuKeys {
  /** Each open menu and the entry that opened it (for submenus). */
  const openers = new WeakMap<HTMLElement, HTMLElement>();
  const element = canvas.canvas;

  const closeAll = () => {
    LiteGraph.closeAllContextMenus(window);
    element.focus({ preventScroll: true });
  };

  const prepare = (menu: HTMLElement) => {
    menu.setAttribute('role', 'menu');
    const title = menu.querySelector('.litemenu-title')?.textContent?.trim();
    menu.setAttribute('aria-label', title || 'Menu');
    for (const entry of menu.querySelectorAll<HTMLElement>('.litemenu-entry')) {
      if (entry.classList.contains('separator')) entry.setAttribute('role', 'separator');
      else entry.tabIndex = -1;
    }
    const active = document.activeElement;
    if (active instanceof HTMLElement && active.closest(`.${MENU}`)) {
      openers.set(menu, active);
      // Beside the entry that opened it (opened by a key, litegraph would put it at the top).
      menu.style.top = `${Math.max(0, active.getBoundingClientRect().top)}px`;
    }
    menu.addEventListener('keydown', (event) => onKey(menu, event));
    focusEntry(entries(menu)[0]);
  };

  const onKey = (menu: HTMLElement, event: KeyboardEvent) => {
    const list = entries(menu);
    const index = list.indexOf(document.activeElement as HTMLElement);
    const current = list[index];
    switch (event.key) {
      case 'ArrowDown':
        focusEntry(list[(index + 1) % list.length]);
        break;
      case 'ArrowUp':
        focusEntry(list[(index - 1 + list.length) % list.length]);
        break;
      case 'Home':
        focusEntry(list[0]);
        break;
      case 'End':
        focusEntry(list[list.length - 1]);
        break;
      case 'Enter':
      case ' ':
        current?.click();
        break;
      case 'ArrowRight':
        if (current?.classList.contains('has_submenu')) current.click();
        break;
      case 'ArrowLeft': {
        const opener = openers.get(menu);
        if (!opener) break;
        menu.remove();
        opener.setAttribute('aria-expanded', 'false');
        focusEntry(opener);
        break;
      }
      case 'Escape':
      case 'Tab':
        closeAll();
        break;
      default:
        return;
    }
    event.preventDefault();
    event.stopPropagation();
  };

  const onRemoved = () => {
    // After the entry's own action: a dialog it opened keeps the focus it gave.
    setTimeout(() => {
      const active = document.activeElement;
      if ((active === null || active === document.body) && !document.querySelector(`.${MENU}`)) element.focus({ preventScroll: true });
    }, 0);
  };

  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) if (node instanceof HTMLElement && node.classList.contains(MENU)) prepare(node);
      for (const node of record.removedNodes) if (node instanceof HTMLElement && node.classList.contains(MENU)) onRemoved();
    }
  }).observe(document.body, { childList: true });

  const openForSelection = () => {
    const selected = [...canvas.selectedItems].find((item): item is LGraphNode => 'inputs' in item && 'outputs' in item);
    const rect = element.getBoundingClientRect();
    // Where a right-click would land: on the node's title, or in the middle of the view.
    const middle = canvas.ds.convertCanvasToOffset([rect.width / 2, rect.height / 2]);
    const graphPoint: [number, number] = selected ? [selected.pos[0] + 10, selected.pos[1] - LiteGraph.NODE_TITLE_HEIGHT / 2] : [middle[0]!, middle[1]!];
    const [x, y] = canvas.ds.convertOffsetToCanvas(graphPoint);
    const event = Object.assign(new MouseEvent('contextmenu', { clientX: rect.left + x, clientY: rect.top + y }), { canvasX: graphPoint[0], canvasY: graphPoint[1] });
    // litegraph's menus read the canvas a pointer last touched; by keyboard, none may have.
    LGraphCanvas.active_canvas = canvas;
    canvas.processContextMenu(selected, event as unknown as Parameters<LGraphCanvas['processContextMenu']>[1]);
  };

  element.addEventListener('keydown', (event) => {
    if (event.key !== 'ContextMenu' && !(event.key === 'F10' && event.shiftKey)) return;
    event.preventDefault();
    event.stopPropagation();
    openForSelection();
  });
  return { openForSelection };
}
