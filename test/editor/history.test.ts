/**
 * The editor's undo history and shortcut keys, run in Node (editor/src/app/history.ts and
 * shortcuts.ts bundled with esbuild, as logic.test.ts does): undo and redo walk the recorded
 * states, a new edit drops the redoable ones, the list stays bounded, undoing back to the saved
 * state counts as clean, and each shortcut key maps to its command (and text keys to none).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { importEditorModules } from './editor-modules.js';

interface History { states: string[]; index: number; limit: number; clean: string | undefined }
interface Key { key: string; ctrlKey?: boolean; metaKey?: boolean; shiftKey?: boolean; altKey?: boolean }
interface Logic {
  createHistory(initial: string, limit?: number, clean?: string): History;
  recordState(history: History, state: string): boolean;
  undoState(history: History): string | undefined;
  redoState(history: History): string | undefined;
  canUndo(history: History): boolean;
  canRedo(history: History): boolean;
  isClean(history: History): boolean;
  resetHistory(history: History, state: string, clean?: string): void;
  replaceCurrent(history: History, state: string): void;
  commandFor(event: Required<Key>): string | undefined;
  SHORTCUTS: { group: string; items: { keys: string; action: string }[] }[];
}

let logic: Logic;

before(async () => {
  logic = await importEditorModules<Logic>('app/history.ts', 'app/shortcuts.ts');
});

test('undo and redo walk the recorded states; an unchanged state is not a step', () => {
  const history = logic.createHistory('a', 10, 'a');
  assert.equal(logic.canUndo(history), false);
  assert.equal(logic.recordState(history, 'a'), false, 'no change, no step');
  assert.equal(logic.recordState(history, 'b'), true);
  assert.equal(logic.recordState(history, 'c'), true);
  assert.equal(logic.undoState(history), 'b');
  assert.equal(logic.undoState(history), 'a');
  assert.equal(logic.undoState(history), undefined, 'nothing before the first state');
  assert.equal(logic.isClean(history), true, 'back at the saved state');
  assert.equal(logic.redoState(history), 'b');
  assert.equal(logic.isClean(history), false);
  assert.equal(logic.redoState(history), 'c');
  assert.equal(logic.redoState(history), undefined);
});

test('an edit after undo drops the redoable states', () => {
  const history = logic.createHistory('a');
  logic.recordState(history, 'b');
  logic.recordState(history, 'c');
  logic.undoState(history);
  logic.recordState(history, 'd');
  assert.equal(logic.canRedo(history), false);
  assert.deepEqual(history.states, ['a', 'b', 'd']);
  assert.equal(logic.undoState(history), 'b');
});

test('the history is bounded: the oldest states go first', () => {
  const history = logic.createHistory('0', 5);
  for (let step = 1; step <= 12; step++) logic.recordState(history, String(step));
  assert.deepEqual(history.states, ['8', '9', '10', '11', '12']);
  let undone = 0;
  while (logic.undoState(history) !== undefined) undone++;
  assert.equal(undone, 4);
});

test('opening a workflow restarts the history; a re-serialized state keeps its clean mark', () => {
  const history = logic.createHistory('a', 10, 'a');
  logic.recordState(history, 'b');
  logic.resetHistory(history, 'x', undefined);
  assert.deepEqual([history.states, logic.canUndo(history), logic.isClean(history)], [['x'], false, false], 'an imported file is not clean');
  logic.resetHistory(history, 'y', 'y');
  logic.replaceCurrent(history, 'y2');
  assert.equal(logic.isClean(history), true);
});

test('shortcut keys map to their commands; plain typing and browser keys do not', () => {
  const key = (k: Key) => logic.commandFor({ ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...k });
  assert.equal(key({ key: 'z', ctrlKey: true }), 'undo');
  assert.equal(key({ key: 'Z', ctrlKey: true, shiftKey: true }), 'redo');
  assert.equal(key({ key: 'y', ctrlKey: true }), 'redo');
  assert.equal(key({ key: 'z', metaKey: true }), 'undo', 'Cmd on a Mac');
  assert.equal(key({ key: 'g', ctrlKey: true }), 'group');
  assert.equal(key({ key: 'm', ctrlKey: true }), 'mute');
  assert.equal(key({ key: 'b', ctrlKey: true }), 'bypass');
  assert.equal(key({ key: 'v', ctrlKey: true, shiftKey: true }), 'paste');
  assert.equal(key({ key: '.' }), 'fitView');
  assert.equal(key({ key: '?', shiftKey: true }), 'help');
  assert.equal(key({ key: 'z' }), undefined);
  assert.equal(key({ key: 't', ctrlKey: true }), undefined);
  assert.equal(key({ key: 'z', ctrlKey: true, altKey: true }), undefined);
  const listed = logic.SHORTCUTS.flatMap((group) => group.items.map((item) => item.keys)).join(' | ');
  for (const keys of ['Ctrl+Z', 'Ctrl+Y', 'Ctrl+G', 'Ctrl+M', 'Ctrl+B', 'Ctrl+Enter', '?']) assert.ok(listed.includes(keys), `${keys} is in the help list`);
});
