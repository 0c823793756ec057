// The option checks of every part of libs/kafka: one JSON Schema per part, compiled once, run at construction, and
// naming the first failing option by its path (`/options/topics/0 must be a non-empty string`), so a
// misconfiguration fails at start, not at the first record. A strict ajv instance of its own, like libs/config's
// (a typo in a schema fails at import), but without coercion or defaults: options are typed values, not text, and
// each part's defaults object is the one place its defaults live.
import Ajv, { type ErrorObject } from 'ajv';
import { KafkaAdapterError } from './errors';

const optionsAjv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: false, verbose: true });

// `message`: the sentence after the path when the schema that holds it fails (an annotation, checks nothing).
optionsAjv.addKeyword({ keyword: 'message', schemaType: 'string' });
// Callbacks and TLS material, which JSON Schema cannot describe.
optionsAjv.addKeyword({
  keyword: 'isFunction',
  schemaType: 'boolean',
  errors: false,
  validate: (wanted: boolean, data: unknown) => !wanted || typeof data === 'function',
});
optionsAjv.addKeyword({
  keyword: 'isBuffer',
  schemaType: 'boolean',
  errors: false,
  validate: (wanted: boolean, data: unknown) => !wanted || Buffer.isBuffer(data),
});

export function invalid(path: string, problem: string): KafkaAdapterError {
  return new KafkaAdapterError(`/options/${path} ${problem}`, { code: 'INVALID_OPTIONS', canRetry: false });
}

/** An integer option in [min, max], with the sentence every part uses for it. */
export function integer(min = 1, max = Number.MAX_SAFE_INTEGER) {
  return { type: 'integer', minimum: min, maximum: max, message: `must be an integer in [${min}, ${max}]` } as const;
}

export const nonEmptyString = { type: 'string', minLength: 1, message: 'must be a non-empty string' } as const;
export const callback = { isFunction: true, message: 'must be a function' } as const;

type Schema = Readonly<Record<string, unknown>>;
type Annotated = { readonly message?: string; readonly properties?: Readonly<Record<string, Annotated>> };

/** The first error as our path and sentence: the failing schema's `message`, else ajv's own. */
function toInvalid(error: ErrorObject | undefined): KafkaAdapterError {
  if (!error) return invalid('', 'are invalid');
  const parent = (error.parentSchema ?? {}) as Annotated;
  if (error.keyword === 'required') {
    const missing = String(error.params.missingProperty);
    const message = parent.properties?.[missing]?.message ?? 'is required';
    return invalid(`${error.instancePath.slice(1)}/${missing}`.replace(/^\//, ''), message);
  }
  return invalid(error.instancePath.slice(1), parent.message ?? error.message ?? 'is invalid');
}

/** A check of one part's options: throws one INVALID_OPTIONS error naming the first wrong option. */
export function optionsCheck<T>(schema: Schema): (options: T) => void {
  const validate = optionsAjv.compile(schema);
  return (options) => {
    if (!validate(options)) throw toInvalid(validate.errors?.[0]);
  };
}
