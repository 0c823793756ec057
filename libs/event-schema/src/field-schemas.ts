// Sub-schemas shared by the input and the output schema, so both agree on what a field may look like.

/** Custom ajv format backed by `parseIpAddress`: the validators register it under this name. */
export const IP_ADDRESS_FORMAT = 'login-ip-address';

export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

// The free-form fields (device_type, app_version, locale) end up in the output, in metric labels and in the summary
// log, so each has a shape too narrow for an IP address, a control character or a lone surrogate to pass.

/** `major.minor[.patch]`, 1–6 digits each: two or three parts, so never an IPv4 address (four parts). */
export const APP_VERSION_PATTERN = '^[0-9]{1,6}\\.[0-9]{1,6}(?:\\.[0-9]{1,6})?$';

/**
 * A BCP 47 language tag of language[-Script][-REGION] or an ISO 3166-1 country code: `RU`, `en`, `en-US`, `pt_BR`,
 * `zh-Hant-TW`, `es-419`. `_` is accepted as the separator too (POSIX locales). No dots or colons: never an address.
 */
export const LOCALE_PATTERN = '^[A-Za-z]{2,3}(?:[-_][A-Za-z]{4})?(?:[-_](?:[A-Za-z]{2}|[0-9]{3}))?$';

/** ASCII letters, digits, `_` and `-`, starting with a letter: `android`, `iOS`, `smart-tv`. */
export const DEVICE_TYPE_PATTERN = '^[A-Za-z][A-Za-z0-9_-]*$';

/** No control characters (C0, DEL, C1) and no lone surrogates (`\udfff`): they corrupt logs and UTF-8 output. */
export const NO_CONTROL_CHARACTERS_PATTERN = '^[^\\p{Cc}\\p{Cs}]*$';

export const DEVICE_TYPE_MAX_LENGTH = 32;

/**
 * The only device types the output, the events metric and the summary log carry. A fixed list, because the input's
 * shape (32 letters and digits) also fits an IMEI, a colon-less MAC, an Android ID or a hex IPv4: passed on as received,
 * `device_type` could carry a device identifier. Matched exactly (case-sensitive), like the metric label always was.
 */
export const DEVICE_TYPES = Object.freeze(['android', 'iOS', 'unknown', 'other'] as const);
export type DeviceType = (typeof DEVICE_TYPES)[number];
/** The output's device_type when the input has none (older clients). */
export const UNKNOWN_DEVICE_TYPE: DeviceType = 'unknown';
/** The output's device_type for any input value not in `DEVICE_TYPES`. */
export const OTHER_DEVICE_TYPE: DeviceType = 'other';

const deviceTypes: ReadonlySet<string> = new Set(DEVICE_TYPES);

/** The output's device_type for an input's (absent → `unknown`, outside `DEVICE_TYPES` → `other`). */
export function outputDeviceType(value: string | undefined): DeviceType {
  if (value === undefined) return UNKNOWN_DEVICE_TYPE;
  return deviceTypes.has(value) ? (value as DeviceType) : OTHER_DEVICE_TYPE;
}
export const DEVICE_ID_MAX_LENGTH = 256;
export const LOCALE_MAX_LENGTH = 11;

export const userIdSchema = { type: 'string', pattern: UUID_PATTERN };
export const appVersionSchema = { type: 'string', pattern: APP_VERSION_PATTERN };
export const deviceTypeSchema = {
  type: 'string',
  minLength: 1,
  maxLength: DEVICE_TYPE_MAX_LENGTH,
  pattern: DEVICE_TYPE_PATTERN,
};
export const localeSchema = { type: 'string', maxLength: LOCALE_MAX_LENGTH, pattern: LOCALE_PATTERN };
export const deviceIdSchema = {
  type: 'string',
  minLength: 1,
  maxLength: DEVICE_ID_MAX_LENGTH,
  pattern: NO_CONTROL_CHARACTERS_PATTERN,
};

const appVersionRegExp = new RegExp(APP_VERSION_PATTERN);
const localeRegExp = new RegExp(LOCALE_PATTERN);
const deviceTypeRegExp = new RegExp(DEVICE_TYPE_PATTERN);

/** The schema's rules for one field, for code that must not trust a value it did not see validated (metric labels). */
export function isAppVersion(value: string): boolean {
  return appVersionRegExp.test(value);
}

export function isLocale(value: string): boolean {
  return value.length <= LOCALE_MAX_LENGTH && localeRegExp.test(value);
}

export function isDeviceType(value: string): boolean {
  return value.length <= DEVICE_TYPE_MAX_LENGTH && deviceTypeRegExp.test(value);
}
