// The workspace's one version: the apps are released together, and `--version` prints the root package.json's.
// The root package.json belongs to no project, hence no npm scope to import it by.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { version } from '../../../package.json';

export const PACKAGE_VERSION: string = version;
