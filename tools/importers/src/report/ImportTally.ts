import type { DroppedRows, ImporterName, ImportInput, ImportOutput, ImportReport } from './ImportReport.js';

const MAX_EXAMPLES = 5;

/** Collects an import's counts as it runs and turns them into its ImportReport. */
export class ImportTally {
  private readonly inputs: ImportInput[] = [];
  private readonly outputs: ImportOutput[] = [];
  private readonly drops = new Map<string, DroppedRows>();
  private readonly notes: string[] = [];

  constructor(private readonly importer: ImporterName) {}

  read(input: ImportInput): void {
    this.inputs.push(input);
  }

  drop(reason: string, example: string): void {
    let entry = this.drops.get(reason);
    if (!entry) {
      entry = { reason, count: 0, examples: [] };
      this.drops.set(reason, entry);
    }
    entry.count++;
    if (entry.examples.length < MAX_EXAMPLES) entry.examples.push(example);
  }

  note(text: string): void {
    this.notes.push(text);
  }

  wrote(output: ImportOutput): void {
    this.outputs.push(output);
  }

  report(): ImportReport {
    const rowsRead = this.inputs.reduce((sum, input) => sum + input.rows, 0);
    const dropped = [...this.drops.values()];
    return {
      importer: this.importer,
      inputs: [...this.inputs],
      rowsRead,
      rowsWritten: rowsRead - dropped.reduce((sum, d) => sum + d.count, 0),
      dropped,
      outputs: [...this.outputs],
      notes: [...this.notes],
    };
  }
}
