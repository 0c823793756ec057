/** The text of a setting as the operator gave it: one string, or one per repetition of a list's flag. */
export type GivenText = string | readonly string[];

/** Comma-separated items, trimmed, empty items dropped (`" a, ,b "` → `a`, `b`). */
export function splitItems(text: GivenText): string[] {
  const texts: readonly string[] = typeof text === 'string' ? [text] : text;
  return texts
    .flatMap((part) => part.split(','))
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

// ajv only coerces "true"/"false"; operators also write 1/0, yes/no. Anything else stays a string ajv rejects.
export function parseBoolean(value: string): boolean | string {
  const word = value.toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return value;
}

/** The message of what a `parse` function threw. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
