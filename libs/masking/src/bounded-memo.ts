/**
 * A size-bounded memo for a pure function of strings. Two generations instead of a true LRU: a lookup is one or two
 * `Map.get`s and eviction drops a whole generation at once, so the hot path never walks a list. An entry used in
 * the last `capacity` insertions survives a flip.
 */
export function boundedMemo(fn: (value: string) => string, capacity: number): (value: string) => string {
  if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError('memo capacity must be an integer >= 0');
  if (capacity === 0) return fn;
  let young = new Map<string, string>();
  let old = new Map<string, string>();
  return (value: string): string => {
    const hit = young.get(value);
    if (hit !== undefined) return hit;
    const result = old.get(value) ?? fn(value);
    if (young.size >= capacity) {
      old = young;
      young = new Map();
    }
    young.set(value, result);
    return result;
  };
}
