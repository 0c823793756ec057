export { INPUT_SCHEMA_ID, inputSchema } from './input-schema';
export { OUTPUT_SCHEMA_ID, OUTPUT_SCHEMA_VERSION, PSEUDONYM_PATTERN, outputSchema } from './output-schema';
export { IP_ADDRESS_FORMAT } from './field-schemas';
export { REASON_CODES, STAGES, isReasonCode, isStage } from './reasons';
export { DLQ_ERROR_HEADER_PREFIX, DLQ_HEADERS, DLQ_MESSAGE_MAX_BYTES } from './dlq-headers';
export type { DlqHeaderName } from './dlq-headers';
export { DEFAULT_PARSE_LIMITS, parseLoginEvent } from './parse-login-event';
export { validateInputEvent, validateOutputEvent } from './validators';
export { failure } from './failure';
export { EARLIEST_EVENT_TIME_MS } from './timestamp';
export { formatIpAddress, isIpAddress, normaliseIpAddress, parseIpAddress } from './ip-address';
export type { IpAddress } from './ip-address';
export type {
  LoginEvent,
  ParseFailure,
  ParseOptions,
  ParseResult,
  ProcessedLoginEvent,
  RawLoginEvent,
  ReasonCode,
  Stage,
  ValidationIssue,
  ValidationResult,
} from './types';
