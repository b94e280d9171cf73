/**
 * The zod schemas of what the demo sends and reads, shared by the forms (through
 * react-hook-form's zod resolver: the same rules in the browser as on the server) and by the
 * typed responses (the hooks' `schema`, parsed by the client).
 */
import { z } from 'zod';

/** Avala's data types (docs/avala-api.md). */
export const DATA_TYPES = ['image', 'video', 'lidar', 'mcap'] as const;

/** The slug a name suggests (the person may type another; the server checks it). */
export function slugOf(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** A dataset as the API returns it (the fields the demo reads). */
export const DatasetSchema = z.looseObject({
  uid: z.string(),
  name: z.string(),
  slug: z.string().optional(),
  owner_name: z.string().optional(),
  data_type: z.string().optional(),
  item_count: z.number().optional(),
});

/** What creating a dataset needs: Avala requires `name`, `slug` and `data_type`. */
export const DatasetIdentitySchema = z.object({
  name: z.string().trim().min(1, 'Give the dataset a name.').max(100),
  slug: z
    .string()
    .min(1, 'A slug is required.')
    .regex(/^[A-Za-z0-9_-]+$/, 'Letters, digits, "_" and "-" only.'),
  data_type: z.enum(DATA_TYPES),
});

/** The upload form: the dataset to create from the files. */
export type DatasetIdentity = z.infer<typeof DatasetIdentitySchema>;

/** An export job as the API returns it; it ends `exported` (with `download_url`) or `failed`. */
export const ExportJobSchema = z.looseObject({
  uid: z.string(),
  status: z.string(),
  download_url: z.string().nullish(),
  error_message: z.string().nullish(),
});

/**
 * The export form: what Avala's `POST /exports/` takes (docs/avala-api.md), a dataset or a
 * project, exactly one of them (the server's own object-level rule, checked here first).
 */
export const ExportFormSchema = z
  .object({ dataset: z.string(), project: z.string() })
  .refine((values) => (values.dataset === '') !== (values.project === ''), {
    message: 'Pick a dataset or a project to export, not both.',
    path: ['root'],
  });

/** The export form's values (`''`: none picked). */
export type ExportForm = z.infer<typeof ExportFormSchema>;
