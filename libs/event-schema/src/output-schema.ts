import { deepFreeze } from './deep-freeze';
import { DEVICE_TYPES, UUID_PATTERN, appVersionSchema, localeSchema, userIdSchema } from './field-schemas';

/** 2.0.0: pseudonyms of the domain-separated derivation (`<keyId>.v2:…`), which never equal 1.0.0's (`<keyId>:…`). */
export const OUTPUT_SCHEMA_VERSION = '2.0.0';
export const OUTPUT_SCHEMA_ID = 'urn:login-pipeline:schema:processed-user-login:2.0.0';

/**
 * `<keyId>.v2:<22 base64url chars>`: pinning the pseudonym shape here means a raw device_id cannot pass, nor a
 * pseudonym of the superseded derivation (`<keyId>:…`, libs/masking `PSEUDONYM_DERIVATION`).
 */
export const PSEUDONYM_PATTERN = '^[A-Za-z0-9._-]{1,64}\\.v2:[A-Za-z0-9_-]{22}$';

/** The output event (docs/contracts.md "Output event"). `ip` is free-form because its shape depends on the masking strategy. */
export const outputSchema = deepFreeze({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: OUTPUT_SCHEMA_ID,
  title: 'processed-user-login event',
  type: 'object',
  additionalProperties: false,
  required: [
    'event_id',
    'user_id',
    'app_version',
    'device_type',
    'locale',
    'device_id',
    'ip',
    'ip_version',
    'event_time',
    'processed_at',
    'latency_ms',
    'schema_version',
  ],
  properties: {
    event_id: { type: 'string', pattern: UUID_PATTERN },
    user_id: userIdSchema,
    app_version: appVersionSchema,
    // A fixed list, not the input's shape: an input value outside it is `other` (docs/contracts.md "Output event").
    device_type: { enum: [...DEVICE_TYPES] },
    locale: localeSchema,
    device_id: { type: 'string', pattern: PSEUDONYM_PATTERN },
    ip: { type: 'string', minLength: 1, maxLength: 128 },
    ip_version: { enum: [4, 6] },
    event_time: { type: 'string', format: 'date-time' },
    processed_at: { type: 'string', format: 'date-time' },
    latency_ms: { type: 'integer' },
    schema_version: { const: OUTPUT_SCHEMA_VERSION },
  },
});
