export { ConfigError } from './config-error';
export { composeConfig, defineConfig } from './define-config';
export type { ConfigSpec, DefineConfigOptions } from './define-config';
export { describeConfig } from './describe-config';
export { kafkaConfigSpec, toKafkaClientConfig } from './kafka-config';
export type { KafkaClientSettings, KafkaConfig } from './kafka-config';
export { loadConfig, loadConfigOrExit } from './load-config';
export type { LoadConfigOptions, LoadConfigOrExitOptions } from './load-config';
export { observabilityConfigSpec } from './observability-config';
export type { ObservabilityConfig } from './observability-config';
export type { ReadFile } from './secrets';
export type {
  BooleanSchema,
  ConfigCheck,
  ConfigIssue,
  ConfigValues,
  FileVariable,
  ListVariable,
  NumberSchema,
  ScalarVariable,
  StringSchema,
  ValueSchema,
  VariableSpec,
  VariableSpecs,
  VariableValue,
} from './types';
