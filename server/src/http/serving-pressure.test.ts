import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { EventLoopUtilization } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { ServingPressure } from './serving-pressure.js';

const WINDOW_MS = 20;
const response = () => new EventEmitter() as unknown as ServerResponse;
const nextWindow = () => new Promise((r) => setTimeout(r, WINDOW_MS + 5));

/** A pressure gauge whose event loop is running `share` of every window. */
function gauge(share: { value: number }, sampleEvery = 1) {
  const loop = (since?: EventLoopUtilization): EventLoopUtilization => ({ idle: 0, active: 0, utilization: since ? share.value : 0 });
  return new ServingPressure({ windowMs: WINDOW_MS, queued: 8, loopShare: 0.8, sampleEvery }, loop);
}

describe('serving pressure', () => {
  it('is busy while requests queue up (8 or more in progress on average), not while a few are', async () => {
    const share = { value: 0.1 };
    const pressure = gauge(share);
    const few = [response(), response()];
    for (const res of few) pressure.request(res);
    await nextWindow();
    expect(pressure.busy()).toBe(false);

    const many = Array.from({ length: 10 }, response);
    for (const res of many) pressure.request(res);
    await nextWindow();
    expect(pressure.busy()).toBe(true);
    // Asked again within the window: the same answer, nothing measured.
    expect(pressure.busy()).toBe(true);

    for (const res of [...few, ...many]) res.emit('close');
    await nextWindow();
    expect(pressure.busy()).toBe(false);
  });

  it('follows one request in `sampleEvery` to its close, each standing for that many', async () => {
    const pressure = gauge({ value: 0.1 }, 4);
    const held = Array.from({ length: 40 }, response);
    for (const res of held) pressure.request(res);
    // 10 of the 40 are followed, and stand for 40 in progress.
    expect(held.filter((res) => (res as unknown as EventEmitter).listenerCount('close') > 0)).toHaveLength(10);
    await nextWindow();
    expect(pressure.busy()).toBe(true);
    for (const res of held) res.emit('close');
    await nextWindow();
    expect(pressure.busy()).toBe(false);
  });

  it('is busy when requests arrive while the event loop runs 80% of the time or more; the loop alone is not pressure', async () => {
    const share = { value: 0.95 };
    const pressure = gauge(share);
    await nextWindow();
    expect(pressure.busy()).toBe(false);

    const res = response();
    pressure.request(res);
    res.emit('close');
    await nextWindow();
    expect(pressure.busy()).toBe(true);

    share.value = 0.5;
    pressure.request(response());
    await nextWindow();
    expect(pressure.busy()).toBe(false);
  });
});
