export const OTHER_LABEL = 'other';

/**
 * A fixed set of allowed values, or "the first `max` distinct values seen" (values longer than `maxLength`, or that
 * `accept` refuses, never count: a label only ever holds a value of a known safe shape).
 */
export type LabelBound = readonly string[] | { max: number; maxLength?: number; accept?: (value: string) => boolean };

/**
 * Maps a label value into a bounded set: anything outside it becomes `other`. Label values come from event data,
 * and every distinct value is a new time series in Prometheus, so an unbounded label is a memory leak on both sides.
 */
export function boundedLabel(bound: LabelBound): (value: string | undefined) => string {
  if (isAllowList(bound)) {
    const allowed = new Set(bound);
    return (value) => (value !== undefined && allowed.has(value) ? value : OTHER_LABEL);
  }
  const { max, maxLength = 64, accept } = bound;
  const seen = new Set<string>();
  return (value) => {
    if (value === undefined || value === '' || value.length > maxLength) return OTHER_LABEL;
    if (seen.has(value) || value === OTHER_LABEL) return value;
    if (seen.size >= max || (accept !== undefined && !accept(value))) return OTHER_LABEL;
    seen.add(value);
    return value;
  };
}

function isAllowList(bound: LabelBound): bound is readonly string[] {
  return Array.isArray(bound);
}
