import Ajv from 'ajv';
import addFormats from 'ajv-formats';

/**
 * The one ajv instance for configuration. strict: a typo in a spec's schema fails at import, not silently;
 * allErrors: every wrong variable is reported at once; coerceTypes: env values are strings; useDefaults: the
 * schema's defaults are the single place defaults live. Validators are compiled once per spec.
 */
export const configAjv = new Ajv({ strict: true, allErrors: true, coerceTypes: true, useDefaults: true });
addFormats(configAjv);
