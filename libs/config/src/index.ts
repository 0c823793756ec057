export { EXIT } from './exit-codes';
export type { ExitCode } from './exit-codes';
export { ConfigError } from './config-error';
export { BUILT_IN_FLAGS, defineCommandLine, readCommandLine, versionText } from './command-line';
export type { CommandLine, CommandLineDefinition, CommandLineResult, CommandLineSection } from './command-line';
export { composeConfig, defineConfig, isEnvironmentName } from './define-config';
export type { ComposedVariables, ConfigSpec, DefineConfigOptions } from './define-config';
export { describeConfig } from './describe-config';
export { helpText } from './help-text';
export {
  kafkaConfigSpec,
  kafkaSecurity,
  kafkaSecurityWarning,
  toKafkaClientConfig,
  topicNameSchema,
} from './kafka-config';
export type { KafkaClientSettings, KafkaConfig, KafkaSecurity, KafkaSecurityProtocol } from './kafka-config';
export { loadConfig, loadConfigOrExit } from './load-config';
export { PACKAGE_VERSION } from './package-version';
export { settingSubject } from './phrasing';
export type { LoadConfigOptions, LoadConfigOrExitOptions } from './load-config';
export {
  LOG_FORMATS,
  LOG_LEVELS,
  httpServerConfigSpec,
  loggingConfigSpec,
  observabilityConfigSpec,
  parseHttpHost,
} from './observability-config';
export type { HttpServerConfig, LoggingConfig, ObservabilityConfig } from './observability-config';
export type { ReadFile } from './secrets';
export type {
  BooleanSchema,
  ConfigCheck,
  ConfigIssue,
  ConfigValues,
  FileVariable,
  ListVariable,
  NumberSchema,
  ParsedVariable,
  ScalarVariable,
  StringSchema,
  ValueSchema,
  VariableSpec,
  VariableSpecs,
  VariableValue,
} from './types';
