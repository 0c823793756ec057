import type { MaskingRule } from './types';

/**
 * What is PII in a login event and how it is masked: the one place that decides it (docs/contracts.md "Output event"). The masker masks
 * exactly these fields (`Masker.maskEvent`) and log redaction hides exactly these names (`redactPii`).
 */
export const PII_RULES = Object.freeze([
  Object.freeze({ field: 'device_id', strategy: 'pseudonymise' }),
  Object.freeze({ field: 'ip', strategy: 'ip' }),
] as const) satisfies readonly MaskingRule[];

/**
 * Other names log metadata gives the fields of `PII_RULES`, normalised (lower case, letters and digits only: `clientIp`,
 * `client_ip` and `Client-IP` are all `clientip`). `redactPii` redacts a field by any of them when its rule is in the
 * rules it runs with.
 */
export const PII_FIELD_ALIASES: Readonly<Record<PiiField, readonly string[]>> = Object.freeze({
  device_id: Object.freeze([
    'deviceid',
    'deviceuuid',
    'deviceidentifier',
    'xdeviceid',
    'idfv',
    'idfa',
    'androidid',
    'imei',
  ]),
  ip: Object.freeze([
    'ip',
    'ipaddr',
    'ipaddress',
    'ips',
    'clientip',
    'clientaddr',
    'clientaddress',
    'remoteip',
    'remoteaddr',
    'remoteaddress',
    'sourceip',
    'srcip',
    'peerip',
    'peeraddress',
    'realip',
    'xrealip',
    'forwardedfor',
    'xforwardedfor',
    'forwarded',
    'xclientip',
    'cfconnectingip',
    'trueclientip',
  ]),
});

/** The fields `PII_RULES` names. */
export type PiiField = (typeof PII_RULES)[number]['field'];

/** What `redactPii` puts in place of a PII field's value in log metadata (addresses inside texts: `REDACTED_ADDRESS`). */
export const REDACTED = '[REDACTED]';

/** What the `redact` IP strategy emits. */
export const REDACTED_IP = 'redacted';
