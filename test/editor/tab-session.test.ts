/**
 * What the editor keeps of its open tabs across a reload (editor/src/app/tab-session.ts, run in
 * Node): a snapshot goes through storage and comes back equal; a damaged, foreign or older
 * snapshot, or a damaged tab inside one, is dropped rather than opened; a lone blank tab is not
 * worth keeping; a storage that refuses (quota, privacy mode) costs the tabs, not the page.
 * The reload itself, in Chromium, is in editing.test.ts.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { TAB_SESSION_KEY } from './browser.js';
import { importEditorModules } from './editor-modules.js';

interface TabSnapshot {
  name: string | undefined;
  label: string | undefined;
  modified: boolean;
  state: string;
  clean: boolean;
  view: { offset: [number, number]; scale: number } | undefined;
}
interface TabsSnapshot { tabs: TabSnapshot[]; current: number }
interface Storage { getItem(key: string): string | null; setItem(key: string, value: string): void; removeItem(key: string): void }
interface Session {
  TAB_SESSION_KEY: string;
  parseTabsSnapshot(text: string | null | undefined): TabsSnapshot | undefined;
  serializeTabsSnapshot(snapshot: TabsSnapshot): string;
  worthRestoring(snapshot: TabsSnapshot, blankState: string): boolean;
  readStoredTabs(storage: Storage): TabsSnapshot | undefined;
  storeTabs(storage: Storage, snapshot: TabsSnapshot | undefined): void;
}

let session: Session;

before(async () => {
  session = await importEditorModules<Session>('app/tab-session.ts');
});

const BLANK = JSON.stringify({ nodes: [], links: [] });
const graph = (types: string[]) => JSON.stringify({ nodes: types.map((type, id) => ({ id, type })), links: [] });

const snapshot: TabsSnapshot = {
  current: 1,
  tabs: [
    { name: 'portraits', label: undefined, modified: false, state: graph(['image.load']), clean: true, view: { offset: [12, -40], scale: 0.8 } },
    { name: undefined, label: 'from-comfy.json', modified: true, state: graph(['image.invert', 'image.save']), clean: false, view: undefined },
  ],
};

function memoryStorage(): Storage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  };
}

test('the browser tests clear the key the editor uses', () => {
  assert.equal(session.TAB_SESSION_KEY, TAB_SESSION_KEY);
});

test('a snapshot stored and read back is the same tabs, current tab and views', () => {
  const storage = memoryStorage();
  session.storeTabs(storage, snapshot);
  assert.deepEqual(session.readStoredTabs(storage), snapshot);
  assert.deepEqual(session.readStoredTabs(storage), snapshot, 'reading does not use it up (a crash after the load still finds it)');
  session.storeTabs(storage, undefined);
  assert.equal(storage.data.has(TAB_SESSION_KEY), false, 'nothing worth keeping removes the key');
  assert.equal(session.readStoredTabs(storage), undefined);
});

test('damaged, foreign or older snapshots are dropped; a damaged tab inside one is left out', () => {
  for (const text of [null, '', '{', '[]', 'null', '"tabs"', JSON.stringify({ tabs: snapshot.tabs, current: 0 }), JSON.stringify({ version: 2, tabs: snapshot.tabs, current: 0 }), JSON.stringify({ version: 1, tabs: [], current: 0 }), JSON.stringify({ version: 1, tabs: 'x', current: 0 })]) {
    assert.equal(session.parseTabsSnapshot(text), undefined, String(text));
  }
  const mixed = JSON.parse(session.serializeTabsSnapshot(snapshot)) as { tabs: unknown[]; current: number };
  mixed.tabs.push({ state: '{not json' }, { state: '[1,2]' }, { state: 42 }, null, 'tab');
  mixed.current = 9;
  const read = session.parseTabsSnapshot(JSON.stringify(mixed))!;
  assert.deepEqual(read.tabs, snapshot.tabs);
  assert.equal(read.current, 1, 'an out-of-range current tab becomes the last one');
});

test('fields of the wrong kind fall back to safe values', () => {
  const text = JSON.stringify({
    version: 1,
    current: 'first',
    tabs: [{ name: 7, label: ['x'], modified: 'yes', state: BLANK, clean: 1, view: { offset: [0, Number.NaN], scale: 1 } }, { state: BLANK, view: { offset: [1, 2], scale: -1 } }],
  });
  assert.deepEqual(session.parseTabsSnapshot(text), {
    current: 0,
    tabs: [
      { name: undefined, label: undefined, modified: false, state: BLANK, clean: false, view: undefined },
      { name: undefined, label: undefined, modified: false, state: BLANK, clean: false, view: undefined },
    ],
  });
});

test('a lone blank untitled tab is not worth keeping; anything more is', () => {
  const lone = (tab: Partial<TabSnapshot>): TabsSnapshot => ({ current: 0, tabs: [{ name: undefined, label: undefined, modified: false, state: BLANK, clean: false, view: undefined, ...tab }] });
  assert.equal(session.worthRestoring(lone({}), BLANK), false);
  assert.equal(session.worthRestoring(lone({ state: graph(['image.load']) }), BLANK), true);
  assert.equal(session.worthRestoring(lone({ name: 'saved' }), BLANK), true);
  assert.equal(session.worthRestoring(lone({ label: 'file.json' }), BLANK), true);
  assert.equal(session.worthRestoring(lone({ modified: true }), BLANK), true);
  assert.equal(session.worthRestoring({ current: 0, tabs: [lone({}).tabs[0]!, lone({}).tabs[0]!] }, BLANK), true);
});

test('a snapshot that storage refuses (a full quota) removes the older one, so a reload never reopens stale tabs', () => {
  const storage = memoryStorage();
  session.storeTabs(storage, snapshot);
  const full: Storage = { ...storage, setItem: () => {
    throw new Error('QuotaExceededError');
  } };
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    session.storeTabs(full, { ...snapshot, current: 0 });
  } finally {
    console.warn = warn;
  }
  assert.equal(storage.data.has(TAB_SESSION_KEY), false);
  assert.equal(session.readStoredTabs(storage), undefined);
});

test('a storage that refuses to read or write loses the tabs with a warning, never throws', () => {
  const refusing: Storage = {
    getItem: () => {
      throw new Error('SecurityError');
    },
    setItem: () => {
      throw new Error('QuotaExceededError');
    },
    removeItem: () => {
      throw new Error('SecurityError');
    },
  };
  const warnings: unknown[][] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args);
  try {
    assert.equal(session.readStoredTabs(refusing), undefined);
    session.storeTabs(refusing, snapshot);
    session.storeTabs(refusing, undefined);
  } finally {
    console.warn = warn;
  }
  assert.equal(warnings.length, 3);
  assert.match(String(warnings[1]![0]), /could not be kept/);
});
