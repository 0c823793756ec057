import { deepFreeze } from './deep-freeze';
import {
  IP_ADDRESS_FORMAT,
  appVersionSchema,
  deviceIdSchema,
  deviceTypeSchema,
  localeSchema,
  userIdSchema,
} from './field-schemas';
import { IP_ADDRESS_MAX_LENGTH } from './ip-address';

export const INPUT_SCHEMA_ID = 'urn:login-pipeline:schema:user-login:1.0.0';

/** Fifteen digits reach year 33658 in milliseconds and stay below Number.MAX_SAFE_INTEGER. */
export const TIMESTAMP_MAX_DIGITS = 15;
export const TIMESTAMP_MAX_VALUE = 999_999_999_999_999;

/**
 * The input event (docs/contracts.md "Input event"). Unknown properties are allowed here and dropped by the parser: rejecting them
 * would make every upstream addition an outage, forwarding them could leak PII nobody reviewed.
 * `format: login-ip-address` needs the format the validators register; use `validateInputEvent`.
 */
export const inputSchema = deepFreeze({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: INPUT_SCHEMA_ID,
  title: 'user-login event',
  type: 'object',
  required: ['user_id', 'app_version', 'ip', 'locale', 'device_id', 'timestamp'],
  properties: {
    user_id: userIdSchema,
    app_version: appVersionSchema,
    device_type: deviceTypeSchema,
    ip: { type: 'string', maxLength: IP_ADDRESS_MAX_LENGTH, format: IP_ADDRESS_FORMAT },
    locale: localeSchema,
    device_id: deviceIdSchema,
    timestamp: {
      description: 'Unix epoch seconds; values >= 10^12 are epoch milliseconds',
      anyOf: [
        { type: 'integer', minimum: 0, maximum: TIMESTAMP_MAX_VALUE },
        { type: 'string', pattern: `^[0-9]{1,${TIMESTAMP_MAX_DIGITS}}$` },
      ],
    },
  },
});
