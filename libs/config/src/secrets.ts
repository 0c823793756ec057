import { readFileSync } from 'node:fs';
import type { ConfigIssue } from './types';

/** Reads a whole file; injectable so tests need no disk. */
export type ReadFile = (path: string) => Buffer | string;

export const readFileFromDisk: ReadFile = (path) => readFileSync(path);

export type FileReadResult = { ok: true; contents: Buffer } | { ok: false; issue: ConfigIssue };

/** Reads the file named by `variable`; a failure becomes an issue naming the variable and path, not a throw. */
export function readNamedFile(variable: string, path: string, readFile: ReadFile): FileReadResult {
  try {
    const contents = readFile(path);
    return { ok: true, contents: typeof contents === 'string' ? Buffer.from(contents, 'utf8') : contents };
  } catch (error) {
    return { ok: false, issue: { variable, message: `cannot read file ${JSON.stringify(path)} (${reasonOf(error)})` } };
  }
}

export type SecretResult = { ok: true; value: string | undefined } | { ok: false; issue: ConfigIssue };

/**
 * A secret comes from NAME or from the file NAME_FILE (how Docker and Kubernetes mount secrets). The file's trailing
 * newline is trimmed because `echo secret > file` and most editors add one. Both set is ambiguous, so an error.
 */
export function resolveSecret(name: string, env: NodeJS.ProcessEnv, readFile: ReadFile): SecretResult {
  const fileVariable = `${name}_FILE`;
  const direct = nonEmpty(env[name]);
  const path = nonEmpty(env[fileVariable])?.trim();
  if (path === undefined) return { ok: true, value: direct };
  if (direct !== undefined) {
    return { ok: false, issue: { variable: name, message: `set either ${name} or ${fileVariable}, not both` } };
  }
  const read = readNamedFile(fileVariable, path, readFile);
  if (!read.ok) return read;
  const value = read.contents.toString('utf8').replace(/[\r\n]+$/, '');
  if (value === '') {
    return { ok: false, issue: { variable: fileVariable, message: `file ${JSON.stringify(path)} is empty` } };
  }
  return { ok: true, value };
}

/** Unset and empty are the same thing: compose files and Helm charts often pass `NAME=` for "not set". */
export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

// Only the error code (ENOENT, EACCES…): the message of an arbitrary error is not ours to print.
function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unreadable';
}
