import * as z from 'zod';

/** The `reference_data` section (config.md): benchmarks to compare with, at most one per kind. */

export const REFERENCE_DATA_KINDS = ['wasde'] as const;

export function referenceDataBlock(path: z.ZodString) {
  return z
    .array(z.strictObject({ kind: z.enum(REFERENCE_DATA_KINDS), filepath: path }))
    .superRefine((entries, ctx) => {
      const seen = new Map<string, number>();
      entries.forEach((entry, index) => {
        const first = seen.get(entry.kind);
        if (first === undefined) seen.set(entry.kind, index);
        else
          ctx.addIssue({
            code: 'custom',
            path: [index, 'kind'],
            message: `a second ${entry.kind} benchmark (the first is [${first}]); configure one per kind`,
            input: entry.kind,
          });
      });
    })
    .default([]);
}
