import { DLQ_HEADERS as H } from './dead-letter/headers';
import { lineageKeyring, signLineage, verifyLineage } from './lineage-signature';
import type { LineageFields, LineageKey, SignedRecord } from './lineage-signature';

const CURRENT: LineageKey = { id: 'k2', secret: Buffer.from('current-lineage-key-at-least-32-bytes!') };
const PREVIOUS: LineageKey = { id: 'k1', secret: Buffer.from('previous-lineage-key-at-least-32-bytes') };
const EVENT_ID = '5f0c2a52-1b7e-8e0b-9a55-0a1f0c9e8d11';

const text = {
  replayId: 'run-7',
  replayCount: '2',
  eventId: EVENT_ID,
  firstFailedAt: '1700000000000',
};
const fields = (): LineageFields => ({
  replayId: Buffer.from(text.replayId),
  replayCount: Buffer.from(text.replayCount),
  eventId: Buffer.from(text.eventId),
  firstFailedAt: Buffer.from(text.firstFailedAt),
  key: Buffer.from('user-1'),
  value: Buffer.from('{"user_id":"user-1"}'),
});

/** A re-published record as the replayer writes it, signed with `key`. */
function signed(key: LineageKey = CURRENT): SignedRecord & { headers: Record<string, Buffer> } {
  const f = fields();
  const sig = signLineage(f, key);
  return {
    key: f.key,
    value: f.value,
    headers: {
      [H.replayId]: Buffer.from(text.replayId),
      [H.replayCount]: Buffer.from(text.replayCount),
      [H.eventId]: Buffer.from(text.eventId),
      [H.firstFailedAt]: Buffer.from(text.firstFailedAt),
      [H.lineageSignature]: Buffer.from(sig.signature),
      [H.lineageKeyId]: Buffer.from(sig.keyId),
    },
  };
}

const keys = lineageKeyring(CURRENT, [PREVIOUS]);

describe('signed replay lineage', () => {
  it('a record signed with the current key verifies', () => {
    expect(verifyLineage(signed(), keys)).toEqual({ ok: true });
  });

  it('a record signed with a previous key still verifies while that key is in the keyring (rotation)', () => {
    expect(verifyLineage(signed(PREVIOUS), keys)).toEqual({ ok: true });
    expect(verifyLineage(signed(PREVIOUS), lineageKeyring(CURRENT))).toEqual({ ok: false, reason: 'unknown-key' });
  });

  it('writes the key id and a base64url HMAC-SHA-256 (32 bytes)', () => {
    const sig = signLineage(fields(), CURRENT);
    expect(sig.keyId).toBe('k2');
    expect(sig.signature).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it.each([H.replayId, H.replayCount, H.eventId, H.firstFailedAt])('a tampered %s does not verify', (name) => {
    const record = signed();
    record.headers[name] = Buffer.from(name === H.eventId ? '00000000-0000-4000-8000-000000000000' : '3');
    expect(verifyLineage(record, keys)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('a removed first.failed.at does not verify (absent is not empty)', () => {
    const record = signed();
    delete record.headers[H.firstFailedAt];
    expect(verifyLineage(record, keys)).toEqual({ ok: false, reason: 'bad-signature' });
    record.headers[H.firstFailedAt] = Buffer.alloc(0);
    expect(verifyLineage(record, keys)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it.each([H.replayId, H.replayCount, H.eventId])('a removed %s does not verify', (name) => {
    const record = signed();
    delete record.headers[name];
    expect(verifyLineage(record, keys)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('the signature copied onto another value or key does not verify', () => {
    expect(verifyLineage({ ...signed(), value: Buffer.from('{"user_id":"user-2"}') }, keys)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verifyLineage({ ...signed(), key: Buffer.from('user-2') }, keys)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verifyLineage({ ...signed(), key: null }, keys)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('moving bytes from one field to the next does not verify (fields are length-prefixed)', () => {
    const f = { ...fields(), replayId: Buffer.from('run-'), replayCount: Buffer.from('72') };
    expect(signLineage(f, CURRENT).signature).not.toBe(signLineage(fields(), CURRENT).signature);
  });

  it('a tampered signature does not verify, whatever its length', () => {
    const record = signed();
    const sig = record.headers[H.lineageSignature]?.toString() ?? '';
    const flipped = `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`;
    // `!` and `=` are outside base64url: Node's decoder would skip them and decode the valid signature.
    for (const bad of [flipped, sig.slice(0, 20), `${sig}AAAA`, '', `${sig}!`, `${sig}=`, `!${sig}`]) {
      record.headers[H.lineageSignature] = Buffer.from(bad);
      expect(verifyLineage(record, keys)).toEqual({ ok: false, reason: 'bad-signature' });
    }
  });

  it('a signature by another key under a known key id does not verify', () => {
    const forged = signed({ id: 'k2', secret: Buffer.from('an-attackers-guess-of-32-bytes-or-more') });
    expect(verifyLineage(forged, keys)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('an unknown key id does not verify', () => {
    expect(verifyLineage(signed({ id: 'k9', secret: CURRENT.secret }), keys)).toEqual({
      ok: false,
      reason: 'unknown-key',
    });
  });

  it('a record without signature or key id does not verify', () => {
    const noSig = signed();
    delete noSig.headers[H.lineageSignature];
    expect(verifyLineage(noSig, keys)).toEqual({ ok: false, reason: 'missing-signature' });
    const noKeyId = signed();
    delete noKeyId.headers[H.lineageKeyId];
    expect(verifyLineage(noKeyId, keys)).toEqual({ ok: false, reason: 'missing-signature' });
  });

  it('the last value of a repeated header is the one verified', () => {
    const record: SignedRecord = {
      ...signed(),
      headers: { ...signed().headers, [H.eventId]: [Buffer.from('forged'), Buffer.from(EVENT_ID)] },
    };
    expect(verifyLineage(record, keys)).toEqual({ ok: true });
  });
});
