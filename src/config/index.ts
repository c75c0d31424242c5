export { loadConfig, type ConfigSources, type DatabaseOptions, type WatcherConfig } from './load';
export { resolveConnectionUrl } from './connection-url';
