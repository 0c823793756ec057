/**
 * An instant given on the command line: epoch milliseconds (digits only) or an ISO-8601 date-time.
 * A date-time without a zone is refused: it would silently mean the machine's local time.
 */
export function parseInstant(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^[0-9]{1,16}$/.test(trimmed)) return Number(trimmed);
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;
  if (!iso.test(trimmed)) return undefined;
  const ms = Date.parse(trimmed.length === 10 ? `${trimmed}T00:00:00Z` : trimmed);
  return Number.isNaN(ms) ? undefined : ms;
}
