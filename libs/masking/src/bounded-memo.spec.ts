import { boundedMemo } from './bounded-memo';

describe('boundedMemo', () => {
  function counted() {
    const calls: string[] = [];
    const fn = (v: string) => {
      calls.push(v);
      return `f(${v})`;
    };
    return { calls, fn };
  }

  it('returns what the function returns and calls it once per value while the value is remembered', () => {
    const { calls, fn } = counted();
    const memo = boundedMemo(fn, 10);
    expect([memo('a'), memo('b'), memo('a'), memo('a')]).toEqual(['f(a)', 'f(b)', 'f(a)', 'f(a)']);
    expect(calls).toEqual(['a', 'b']);
  });

  it('keeps at most two generations of capacity entries: old values are computed again', () => {
    const { calls, fn } = counted();
    const memo = boundedMemo(fn, 2);
    for (const v of ['a', 'b', 'c', 'd', 'e', 'a']) memo(v);
    // a,b fill the first generation; c,d the second (a,b become old); e flips again (a,b dropped).
    expect(calls).toEqual(['a', 'b', 'c', 'd', 'e', 'a']);
  });

  it('keeps a value that is used again before it ages out', () => {
    const { calls, fn } = counted();
    const memo = boundedMemo(fn, 2);
    for (const v of ['a', 'b', 'c', 'a', 'd', 'e', 'a']) memo(v);
    expect(calls.filter((v) => v === 'a')).toHaveLength(1);
  });

  it('capacity 0 is no memo at all; a bad capacity is refused', () => {
    const { calls, fn } = counted();
    const memo = boundedMemo(fn, 0);
    memo('a');
    memo('a');
    expect(calls).toEqual(['a', 'a']);
    expect(() => boundedMemo(fn, -1)).toThrow(RangeError);
    expect(() => boundedMemo(fn, 1.5)).toThrow(RangeError);
  });

  it('propagates a throw and remembers nothing for it', () => {
    let n = 0;
    const memo = boundedMemo((v) => {
      n += 1;
      if (v === 'bad') throw new TypeError('no');
      return v;
    }, 4);
    expect(() => memo('bad')).toThrow(TypeError);
    expect(() => memo('bad')).toThrow(TypeError);
    expect(n).toBe(2);
  });
});
