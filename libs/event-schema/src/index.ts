export { INPUT_SCHEMA_ID, inputSchema } from './input-schema';
export { OUTPUT_SCHEMA_ID, OUTPUT_SCHEMA_VERSION, PSEUDONYM_PATTERN, outputSchema } from './output-schema';
export {
  DEVICE_TYPES,
  IP_ADDRESS_FORMAT,
  OTHER_DEVICE_TYPE,
  UNKNOWN_DEVICE_TYPE,
  isAppVersion,
  isDeviceType,
  isLocale,
  outputDeviceType,
} from './field-schemas';
export type { DeviceType } from './field-schemas';
export { REASON_CODES, STAGES, isReasonCode, isStage } from './reasons';
export {
  DLQ_ERROR_HEADER_PREFIX,
  DLQ_HEADERS,
  DLQ_MESSAGE_MAX_BYTES,
  DLQ_OMITTED_PARTS,
  REPLAYER_HEADERS,
} from './dead-letter/headers';
export type { DlqHeaderName, DlqOmittedPart } from './dead-letter/headers';
export { decodeDeadLetter } from './dead-letter/decode';
export { encodeDeadLetter } from './dead-letter/encode';
export type {
  DeadLetterBatch,
  DeadLetterContext,
  DeadLetterHeaders,
  DeadLetterRecord,
  DeadLetterSource,
  DeadLetterSourceHeaders,
} from './dead-letter/encode';
export type { DeadLetterInput, DeadLetterView } from './dead-letter/decode';
export { lastHeaderText, lastHeaderValue } from './record-headers';
export type { HeaderValues } from './record-headers';
export { DEFAULT_RECORD_LIMITS, headerSize, headersOverLimit, keyOverLimit, recordOverLimit } from './record-limits';
export type { HeaderSize, RecordLimits } from './record-limits';
export {
  LATEST_LINEAGE_TIME_MS,
  MAX_REPLAY_COUNT,
  REPLAY_ID_PATTERN,
  isEventId,
  isReplayId,
  parseLineageTime,
  parseReplayCount,
  readReplayLineage,
} from './lineage';
export type { ReplayLineage } from './lineage';
export {
  LINEAGE_KEY_ID_PATTERN,
  LINEAGE_KEY_MIN_BYTES,
  LINEAGE_REJECTIONS,
  lineageKeyring,
  signLineage,
  verifyLineage,
} from './lineage-signature';
export type {
  LineageFields,
  LineageKey,
  LineageKeyring,
  LineageRejection,
  LineageSignature,
  LineageVerdict,
  SignedRecord,
} from './lineage-signature';
export { DEFAULT_PARSE_LIMITS, DEVICE_ID_SEARCH_MIN_LENGTH, parseLoginEvent } from './parse-login-event';
export { withAddress } from './login-event';
export { validateInputEvent, validateOutputEvent } from './validators';
export { buildFailure, failure } from './failure';
export type { FailureDetails } from './failure';
export { EARLIEST_EVENT_TIME_MS, FUTURE_REPLAY_HORIZON_MS } from './timestamp';
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
export { DEFAULT_TOPICS } from './topics';
