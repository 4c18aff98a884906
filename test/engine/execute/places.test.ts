/** Concurrency places: a waiting node frees its place and gets one back after its last wait. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPlaceHolder, Places } from '../../../engine/execute/places.js';

test('a waiting node frees its place, and queues to get one back when its last wait ends', async () => {
  let wakes = 0;
  const places = new Places(1, () => wakes++);
  const holder = newPlaceHolder();
  places.take();
  assert.equal(places.hasFree(), false);
  places.beginWait(holder);
  places.beginWait(holder);
  assert.equal(places.hasFree(), true, 'the place is free while the node waits');
  assert.equal(wakes, 1);
  assert.equal(places.isIdle(), false, 'a waiting node keeps the run alive');

  places.take(); // another node uses the free place
  let back = false;
  const first = places.endWait(holder).then(() => (back = true));
  assert.equal(places.resumeNext(), false, 'not queued while another wait is outstanding');
  const second = places.endWait(holder);
  assert.equal(places.hasFree(), false);
  places.release(undefined); // the other node finishes
  assert.equal(places.resumeNext(), true);
  await Promise.all([first, second]);
  assert.equal(back, true);
  assert.equal(places.hasFree(), false, 'the node holds its place again');
  places.release(holder);
  assert.equal(places.isIdle(), true);
});

test('a node that finishes while queued for a place does not take one; closing rejects waits', async () => {
  const places = new Places(1, () => undefined);
  const holder = newPlaceHolder();
  places.take();
  places.beginWait(holder);
  places.take();
  const wait = places.endWait(holder);
  places.release(holder); // it ended without awaiting its wait
  places.release(undefined);
  assert.equal(places.resumeNext(), true);
  await wait;
  assert.equal(places.isIdle(), true);
  assert.equal(places.hasFree(), true);

  const closing = newPlaceHolder();
  places.take();
  places.beginWait(closing);
  places.take();
  const pending = places.endWait(closing);
  const error = new Error('interrupted');
  places.close(error, [closing, undefined]);
  await assert.rejects(pending, error);
  places.beginWait(closing);
  await assert.rejects(places.endWait(closing), error);
});
