// Sub-schemas shared by the input and the output schema, so both agree on what a field may look like.

/** Custom ajv format backed by `parseIpAddress`: the validators register it under this name. */
export const IP_ADDRESS_FORMAT = 'login-ip-address';

export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

export const APP_VERSION_PATTERN = '^[0-9]{1,9}(?:\\.[0-9]{1,9}){1,3}$';

/** A language or country code with up to three subtags: `RU`, `en`, `en-US`, `pt_BR`, `zh-Hant-TW`. */
export const LOCALE_PATTERN = '^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3}$';

export const DEVICE_TYPE_MAX_LENGTH = 64;
export const DEVICE_ID_MAX_LENGTH = 256;
export const LOCALE_MAX_LENGTH = 35;

export const userIdSchema = { type: 'string', pattern: UUID_PATTERN };
export const appVersionSchema = { type: 'string', pattern: APP_VERSION_PATTERN };
export const deviceTypeSchema = { type: 'string', minLength: 1, maxLength: DEVICE_TYPE_MAX_LENGTH };
export const localeSchema = { type: 'string', maxLength: LOCALE_MAX_LENGTH, pattern: LOCALE_PATTERN };
