import type { Command } from 'commander';
import type { CliContext } from './CliContext.js';

/** A verb group (`example`, `run`, `rundir`, `data`): adds its command and subcommands to the program. */
export type RegisterVerb = (program: Command, context: CliContext) => void;

/** `commodity-hindcast example init`: the full command path, for usage hints. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * Stops a command for a usage problem found after parsing (a missing combination of flags): exit 2 with the
 * usage hint, like commander's own checks.
 */
export function usageError(command: Command, message: string): never {
  return command.error(message, { exitCode: 2, code: 'commodity-hindcast.usage' });
}
