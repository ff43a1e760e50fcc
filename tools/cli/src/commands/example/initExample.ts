import { writeExample, type WriteExampleReport } from '@commodity-hindcast/example-data';
import type { CliContext } from '../../program/CliContext.js';
import { inputDataDir } from '../../program/InputDataDir.js';
import { Output } from '../../program/Output.js';
import { exampleOptions, type ExampleFlags } from './ExampleFlags.js';
import { formatExampleInit } from './ExampleSummary.js';

/** `example init`: writes the generated example data set and its config into the data root. */
export async function initExample(flags: ExampleFlags, context: CliContext): Promise<WriteExampleReport> {
  const output = new Output(context, flags.json);
  const root = inputDataDir(flags.inputDataDir, context);
  output.progress(`example: generating into ${root}…`);
  // writeExample refuses to overwrite an earlier example unless forced; its message names the files and --force.
  const report = await writeExample(root, { ...exampleOptions(flags), force: flags.force === true });
  output.result(report, () => formatExampleInit(report));
  return report;
}
