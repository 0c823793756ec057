// Record bytes as text an operator's terminal cannot misread. Keys, values and header values of dead letters are
// whatever a producer sent: an ANSI escape in a key could recolour, move the cursor or forge whole lines of the
// report, a newline could fake a table row, and bidi controls could reorder what is shown. Everything printed from
// a record goes through here, in the text report and in --json alike (`jq -r` prints strings raw).

const utf8 = new TextDecoder('utf-8', { fatal: true });

const NAMED: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * C0 controls and DEL, C1 controls (U+0080–U+009F: U+009B is a one-character CSI on some terminals), and the
 * invisible formatting characters that reorder or hide text (bidi marks, embeddings, overrides and isolates,
 * zero-width characters, line and paragraph separators, the BOM).
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE = /[\\\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/gu;

function escapeChar(char: string): string {
  const named = NAMED[char];
  if (named !== undefined) return named;
  const code = char.codePointAt(0) ?? 0;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/** `text` with every unsafe character as a visible escape (`\x1b`, `\n`, `\u{202e}`; a backslash as `\\`). */
export function escapeText(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/** Cuts `text` to `max` characters, saying how much was left out. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/**
 * Bytes for display: valid UTF-8 as escaped text (at most `max` characters, default unlimited), anything else as
 * `base64:…` (whose alphabet is safe as it is).
 */
export function displayBytes(bytes: Buffer, max = Number.POSITIVE_INFINITY): string {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return truncateText(`base64:${bytes.toString('base64')}`, max);
  }
  return escapeText(truncateText(text, max));
}

/** Header text as a label in a report or table: escaped, cut to 80 characters, `UNKNOWN` when absent. */
export function headerLabel(text: string | undefined): string {
  return text === undefined ? 'UNKNOWN' : escapeText(truncateText(text, 80));
}
