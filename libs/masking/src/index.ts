export { createMasker } from './masker';
export { PII_RULES, REDACTED, REDACTED_IP } from './pii-rules';
export { redactPii } from './redact-pii';
export { KEY_ID_PATTERN, createPseudonymiser } from './hmac-pseudonym';
export type { Pseudonymiser } from './hmac-pseudonym';
export { truncateIp } from './ip-truncation';
export { embeddedIpv4 } from './embedded-ipv4';
export type { Ipv4Embedding, Ipv4EmbeddingFormat } from './embedded-ipv4';
export type { IpMaskStrategy, Masker, MaskingKey, MaskingOptions, MaskingRule } from './types';
