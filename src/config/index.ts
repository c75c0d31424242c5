export { loadConfig, type ConfigSources, type DatabaseOptions, type WatcherConfig } from './load';
export { resolveConnectionUrl } from './connection-url';
export { watcherSearch, type ConfigSearch } from './default-files';
