// Signed replay lineage: the replayer signs what it writes on a re-published record, and the processor keeps a
// replayed record's event_id only when the signature verifies. Without it, anyone who can produce to the input topic
// could give a fresh record the event_id of a real event, and downstream dedup would drop the real one.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DLQ_HEADERS } from './dead-letter/headers';
import { lastHeaderText, lastHeaderValue } from './record-headers';
import type { HeaderValues } from './record-headers';

/** The shortest lineage key accepted (bytes): an HMAC-SHA-256 key should be at least as long as its output. */
export const LINEAGE_KEY_MIN_BYTES = 32;

/** Same rule as the masking key ids: letters, digits, `.`, `_`, `-`, at most 64. */
export const LINEAGE_KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

// Binds the signature to this use: a MAC over the same bytes for another purpose never passes as a lineage signature.
const DOMAIN = Buffer.from('login-pipeline/replay-lineage/v1', 'utf8');
const ABSENT = 0xffff_ffff;
/** 32 bytes in unpadded base64url. Node's decoder skips characters outside the alphabet, so the text is checked first. */
const SIGNATURE_TEXT = /^[A-Za-z0-9_-]{43}$/;

/** One lineage key: its id travels in `__dlq.replay.key.id`, the secret never leaves the process. */
export interface LineageKey {
  readonly id: string;
  readonly secret: Uint8Array;
}

/** The keys a verifier accepts, by id: the current one and, during a rotation, the previous ones. */
export type LineageKeyring = ReadonlyMap<string, Uint8Array>;

/**
 * What is signed, as the exact bytes of the headers the replayer writes (absent: undefined), plus the record's key
 * and value (absent: null): a signature copied onto another record's key or value does not verify.
 */
export interface LineageFields {
  readonly replayId: Uint8Array;
  readonly replayCount: Uint8Array;
  readonly eventId: Uint8Array;
  readonly firstFailedAt: Uint8Array | undefined;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
}

export interface LineageSignature {
  /** base64url HMAC-SHA-256, for `__dlq.replay.sig`. */
  readonly signature: string;
  /** For `__dlq.replay.key.id`. */
  readonly keyId: string;
}

/** Why a record's lineage is not trusted: bounded codes, safe as metric label values. */
export type LineageRejection = 'missing-signature' | 'unknown-key' | 'bad-signature';

export type LineageVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: LineageRejection };

export const LINEAGE_REJECTIONS: readonly LineageRejection[] = ['missing-signature', 'unknown-key', 'bad-signature'];

function lengthOf(part: Uint8Array | null | undefined): Buffer {
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(part === null || part === undefined ? ABSENT : part.length);
  return prefix;
}

/** HMAC over the domain tag and each field length-prefixed (absent ≠ empty), in a fixed order: unambiguous. */
function mac(fields: LineageFields, secret: Uint8Array): Buffer {
  const hmac = createHmac('sha256', secret).update(DOMAIN);
  const parts = [fields.replayId, fields.replayCount, fields.eventId, fields.firstFailedAt, fields.key, fields.value];
  for (const part of parts) {
    hmac.update(lengthOf(part));
    if (part !== null && part !== undefined) hmac.update(part);
  }
  return hmac.digest();
}

export function signLineage(fields: LineageFields, key: LineageKey): LineageSignature {
  return { signature: mac(fields, key.secret).toString('base64url'), keyId: key.id };
}

/** The record as the processor sees it: headers, key and value. */
export interface SignedRecord {
  readonly headers: HeaderValues;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
}

/** Does the record's lineage carry a valid signature by one of `keys`? Reads the last value of each header. */
export function verifyLineage(record: SignedRecord, keys: LineageKeyring): LineageVerdict {
  const { headers } = record;
  const signature = lastHeaderText(headers, DLQ_HEADERS.lineageSignature);
  const keyId = lastHeaderText(headers, DLQ_HEADERS.lineageKeyId);
  const replayId = lastHeaderValue(headers, DLQ_HEADERS.replayId);
  const replayCount = lastHeaderValue(headers, DLQ_HEADERS.replayCount);
  const eventId = lastHeaderValue(headers, DLQ_HEADERS.eventId);
  if (signature === undefined || keyId === undefined) return { ok: false, reason: 'missing-signature' };
  const secret = keys.get(keyId);
  if (secret === undefined) return { ok: false, reason: 'unknown-key' };
  if (replayId === undefined || replayCount === undefined || eventId === undefined) {
    return { ok: false, reason: 'bad-signature' };
  }
  const fields: LineageFields = {
    replayId,
    replayCount,
    eventId,
    firstFailedAt: lastHeaderValue(headers, DLQ_HEADERS.firstFailedAt),
    key: record.key,
    value: record.value,
  };
  if (!SIGNATURE_TEXT.test(signature)) return { ok: false, reason: 'bad-signature' };
  const expected = mac(fields, secret);
  const given = Buffer.from(signature, 'base64url');
  // timingSafeEqual needs equal lengths; the length of a MAC is public, only its bytes must not leak by timing.
  const ok = given.length === expected.length && timingSafeEqual(given, expected);
  return ok ? { ok: true } : { ok: false, reason: 'bad-signature' };
}

/** A keyring of the current key and any previous ones (rotation: verifiers learn a new key before signers use it). */
export function lineageKeyring(current: LineageKey, previous: readonly LineageKey[] = []): LineageKeyring {
  return new Map([...previous, current].map((key) => [key.id, key.secret]));
}
