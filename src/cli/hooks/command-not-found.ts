import type { Hook } from '@oclif/core';
import { EXIT } from '../exit-codes';
import { commandNames, unknownCommandMessage } from '../unknown-command';

/**
 * oclif's command_not_found hook (package.json oclif.hooks): a word in the command's place that is
 * no command is a usage error in one line, in the tool's format, instead of oclif's "command not found".
 */
const hook: Hook<'command_not_found'> = async function ({ id, config }) {
  // oclif joins the words after an unknown one into the id as topics ('upgad head' -> 'upgad:head').
  const word = id.split(':')[0];
  process.stderr.write(`watcher-db-manage: error: ${unknownCommandMessage(word, commandNames(config))}\n`);
  process.exitCode = EXIT.USAGE;
};

export default hook;
