/**
 * Turns arbitrary log metadata into plain JSON-able data before redaction, so the redaction step sees every field:
 * class instances become plain objects, errors keep only name/message/stack/code (their other properties can carry
 * the input that caused them), and byte buffers become a size (a record value is never logged).
 */
const MAX_DEPTH = 10;

export function toLoggable(value: unknown, depth = 0, ancestors: Set<object> = new Set()): unknown {
  switch (typeof value) {
    case 'bigint':
      return value.toString();
    case 'symbol':
      return value.toString();
    case 'function':
      return `[Function ${value.name || 'anonymous'}]`;
    case 'object':
      break;
    default:
      return value;
  }
  if (value === null) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (ArrayBuffer.isView(value)) return `[${value.constructor.name} ${value.byteLength} bytes]`;
  if (value instanceof ArrayBuffer) return `[ArrayBuffer ${value.byteLength} bytes]`;
  if (ancestors.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  ancestors.add(value);
  try {
    if (value instanceof Error) return serialiseError(value, depth, ancestors);
    if (Array.isArray(value)) return value.map((item) => toLoggable(item, depth + 1, ancestors));
    const result: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      // defineProperty, not assignment: a key named __proto__ must stay data.
      Object.defineProperty(result, key, {
        value: readField(value as Record<string, unknown>, key, depth, ancestors),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return result;
  } finally {
    ancestors.delete(value);
  }
}

// A throwing getter must cost one field, not the whole entry.
function readField(object: Record<string, unknown>, key: string, depth: number, ancestors: Set<object>): unknown {
  let field: unknown;
  try {
    field = object[key];
  } catch {
    return '[Unreadable]';
  }
  return toLoggable(field, depth + 1, ancestors);
}

export interface SerialisedError {
  name: string;
  message: string;
  stack?: string;
  code?: string | number;
  cause?: unknown;
}

function serialiseError(error: Error, depth: number, ancestors: Set<object>): SerialisedError {
  const result: SerialisedError = { name: error.name, message: error.message };
  if (error.stack !== undefined) result.stack = error.stack;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') result.code = code;
  if (error.cause !== undefined) result.cause = toLoggable(error.cause, depth + 1, ancestors);
  return result;
}
