import { randomUUID } from 'node:crypto';

/** Valid login events with distinct, recognisable PII, so tests can search outputs and logs for leaks. */
export function validEvent(i: number, nowMs = Date.now()) {
  return {
    user_id: randomUUID(),
    app_version: `2.${i % 5}.0`,
    device_type: i % 2 === 0 ? 'android' : 'iOS',
    ip:
      i % 10 === 0
        ? `2001:db8:${(i % 65535).toString(16)}:1::${((i % 65534) + 1).toString(16)}`
        : `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${(i % 254) + 1}`,
    locale: ['RU', 'en-US', 'DE', 'fr-FR'][i % 4]!,
    device_id: `${String(100 + (i % 900)).padStart(3, '0')}-${String(i % 100).padStart(2, '0')}-${String(i % 10000).padStart(4, '0')}`,
    timestamp: String(Math.floor(nowMs / 1000) - (i % 120)),
  };
}
