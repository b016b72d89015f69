import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { settleMemoryAfterStart } from './settle-memory.ts';

const heapSize = () => v8.getHeapStatistics().total_heap_size;

describe('settleMemoryAfterStart', () => {
  it('gives back the heap a start grew and left as garbage, and exposes no collector to other code', async () => {
    // A start's worth of garbage: objects made and dropped, growing the heap V8 then keeps.
    let kept = 0;
    for (let round = 0; round < 40; round++) {
      const garbage = Array.from({ length: 50_000 }, (_, index) => ({ index, text: `item ${index} of ${round}` }));
      kept += garbage.length;
    }
    expect(kept).toBe(2_000_000);
    const grown = heapSize();
    const errors: Error[] = [];
    settleMemoryAfterStart((error) => errors.push(error), 0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(errors).toEqual([]);
    expect(heapSize()).toBeLessThan(grown);
    expect(typeof (globalThis as { gc?: unknown }).gc).toBe('undefined');
    expect(vm.runInNewContext('typeof gc')).toBe('undefined');
  });
});
