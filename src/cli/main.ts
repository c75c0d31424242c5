import { DEFAULT_COMMAND, prepareArgv } from './argv';
import { EXIT } from './exit-codes';
import { oclif } from './oclif';

type Oclif = typeof import('@oclif/core');

/**
 * Starts the CLI: reorders the reference-style argv, then lets oclif run the command.
 * Start-up time matters (`--help` and `version` should answer at once), so only what every run needs is
 * loaded here: oclif (from its bundle, see oclif.ts), and no TypeORM, reflect-metadata or driver, which
 * the commands load when they open a database.
 */
export async function main(args: string[], options: { development: boolean; dir: string }): Promise<void> {
  // @oclif/core's index loads semver only to check Node against its own (looser) engines range: ~25 ms.
  process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1';
  const { argv, defaulted } = prepareArgv(args);
  if (defaulted) {
    const { Config } = oclif.config;
    const config = await Config.load(installedOnly(options.dir));
    if (!config.findCommand(DEFAULT_COMMAND)) {
      process.stderr.write(
        `watcher-db-manage: error: no command given, and the default command '${DEFAULT_COMMAND}' is not available in this version; see --help\n`,
      );
      process.exitCode = EXIT.ERROR;
      return;
    }
  }
  const { execute } = oclif;
  const loadOptions = options.development ? await sourceConfig(options.dir) : installedOnly(options.dir);
  await execute({ args: argv, development: options.development, dir: options.dir, loadOptions });
}

/**
 * The tool and the plugins it was installed with, nothing else: oclif would also load "user plugins"
 * named in $XDG_DATA_HOME/watcher-db-manage/package.json (oclif's plugin-plugins installs them there;
 * this tool has no such command), that is, run code from outside the installation, as root on a server.
 */
function installedOnly(dir: string): { root: string; userPlugins: false } {
  return { root: dir, userPlugins: false };
}

/**
 * For bin/dev.js: a configuration that runs the commands' TypeScript sources. The manifest (written
 * by the build) names the compiled commands in dist/, so the root plugin is loaded without it, and
 * oclif then maps the commands directory to src/ through tsconfig. Config.load offers no option to
 * skip the manifest, but it takes plugins already loaded.
 */
async function sourceConfig(dir: string): Promise<InstanceType<Oclif['Config']>> {
  process.env.NODE_ENV = 'development'; // before loading: oclif maps to sources only in development
  const { Config, Plugin } = oclif.config;
  const root = new Plugin({ root: dir, isRoot: true, ignoreManifest: true });
  await root.load();
  return Config.load({ root: dir, plugins: new Map([[root.name, root]]) });
}
