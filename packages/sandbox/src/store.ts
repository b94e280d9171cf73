import { randomUUID } from 'node:crypto';
import type { OrganizationId } from './keys.js';

/** Dataset visibility, as Avala names it. */
export type Visibility = 'private' | 'public';
/** The split a dataset's filter selects. */
export type Split = 'train' | 'val' | 'test';
/** Export file formats. */
export type ExportFormat = 'coco' | 'yolo' | 'avala-json';
/** An export job's life: pending → running → finished, or cancelled on the way. */
export type ExportStatus = 'pending' | 'running' | 'finished' | 'cancelled';

/** A dataset as the API returns it. */
export interface Dataset {
  uid: string;
  name: string;
  slug: string;
  description: string;
  visibility: Visibility;
  filters: { split: Split | null };
  items: { weight: number }[];
  item_count: number;
  organization: OrganizationId;
  created_at: string;
  updated_at: string;
}

/** A project as the API returns it. */
export interface Project {
  uid: string;
  name: string;
  description: string;
  task_type: 'box' | 'polygon' | 'segmentation' | 'classification';
  dataset: string | null;
  /** Whether the organization's plan includes auto-labeling for this project. */
  auto_label_available: boolean;
  organization: OrganizationId;
  created_at: string;
}

/** An export job as stored; its status is derived from the clock when read. */
export interface ExportJob {
  uid: string;
  dataset: string;
  format: ExportFormat;
  organization: OrganizationId;
  /** The key that created it: the concurrent-export limit is per key. */
  key: string;
  createdAt: number;
  cancelledAt: number | null;
}

/** An upload slot handed out by `POST /uploads/`. */
export interface Upload {
  uid: string;
  filename: string;
  size: number;
  content_type: string;
  organization: OrganizationId;
  created_at: string;
  /** Bytes received at the upload URL; `null` until the file arrived. */
  received: number | null;
}

/** A list entry with its stable position (creation order), which cursors point at. */
export interface Positioned<T> {
  position: number;
  item: T;
}

interface StoredDataset extends Dataset {
  /** Creation order: the cursor pagination's stable position. */
  seq: number;
}

const SEED_EPOCH = Date.parse('2026-01-05T09:00:00Z');

const SUBJECTS = [
  'Street scenes',
  'Warehouse shelves',
  'Drone fields',
  'Retail checkout',
  'Medical scans',
  'Parking lots',
  'Solar panels',
];

/**
 * The sandbox's data: seeded datasets (enough for several pages), projects (one of them
 * behind a plan), export jobs and upload slots. Everything lives in memory; `reset()`
 * puts the seed back.
 */
export class Store {
  #datasets = new Map<string, StoredDataset>();
  #projects = new Map<string, Project>();
  #exports = new Map<string, ExportJob>();
  #uploads = new Map<string, Upload>();
  #seq = 0;
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
    this.reset();
  }

  /** Drops every change and seeds the data again. */
  reset(): void {
    this.#datasets.clear();
    this.#projects.clear();
    this.#exports.clear();
    this.#uploads.clear();
    this.#seq = 0;
    for (let n = 1; n <= 42; n++) {
      const subject = SUBJECTS[(n - 1) % SUBJECTS.length] ?? 'Dataset';
      this.#seedDataset('org_acme', n, `${subject} ${String(n).padStart(2, '0')}`);
    }
    for (let n = 1; n <= 3; n++) this.#seedDataset('org_globex', 100 + n, `Globex samples ${n}`);

    this.#seedProject('org_acme', 1, 'Pedestrian boxes', 'box', true);
    this.#seedProject('org_acme', 2, 'Shelf polygons', 'polygon', true);
    this.#seedProject('org_acme', 3, 'Crop segmentation', 'segmentation', false);
    this.#seedProject('org_acme', 4, 'Checkout classification', 'classification', true);
    this.#seedProject('org_globex', 101, 'Globex review', 'box', true);
  }

  // Datasets

  /** The organization's datasets in creation order, each with its position for cursors. */
  listDatasets(organization: OrganizationId): Positioned<Dataset>[] {
    return [...this.#datasets.values()]
      .filter((dataset) => dataset.organization === organization)
      .sort((a, b) => a.seq - b.seq)
      .map((stored) => ({ position: stored.seq, item: toDataset(stored) }));
  }

  /** A dataset by uid, whatever its organization (the route decides who may see it). */
  getDataset(uid: string): Dataset | undefined {
    const stored = this.#datasets.get(uid);
    return stored && toDataset(stored);
  }

  /** Whether the organization already has a dataset with this name (names are unique per organization, case-insensitive). */
  datasetNameTaken(organization: OrganizationId, name: string, exceptUid?: string): boolean {
    const wanted = name.toLowerCase();
    for (const dataset of this.#datasets.values()) {
      if (
        dataset.organization === organization &&
        dataset.uid !== exceptUid &&
        dataset.name.toLowerCase() === wanted
      ) {
        return true;
      }
    }
    return false;
  }

  /** Adds a dataset. */
  createDataset(
    organization: OrganizationId,
    input: Pick<Dataset, 'name' | 'description' | 'visibility' | 'filters' | 'items'>,
  ): Dataset {
    const now = new Date(this.#now()).toISOString();
    const stored: StoredDataset = {
      uid: randomUUID(),
      slug: slugify(input.name),
      item_count: input.items.length,
      organization,
      created_at: now,
      updated_at: now,
      ...input,
      seq: ++this.#seq,
    };
    this.#datasets.set(stored.uid, stored);
    return toDataset(stored);
  }

  /** Applies a partial update; `undefined` when the dataset is gone. */
  updateDataset(
    uid: string,
    changes: Partial<Pick<Dataset, 'name' | 'description' | 'visibility' | 'filters' | 'items'>>,
  ): Dataset | undefined {
    const stored = this.#datasets.get(uid);
    if (!stored) return undefined;
    Object.assign(stored, changes, { updated_at: new Date(this.#now()).toISOString() });
    if (changes.name !== undefined) stored.slug = slugify(changes.name);
    if (changes.items !== undefined) stored.item_count = changes.items.length;
    return toDataset(stored);
  }

  /** Removes a dataset; false when there was none. */
  deleteDataset(uid: string): boolean {
    return this.#datasets.delete(uid);
  }

  // Projects

  /** The organization's projects. */
  listProjects(organization: OrganizationId): Project[] {
    return [...this.#projects.values()].filter((project) => project.organization === organization);
  }

  /** A project by uid, whatever its organization. */
  getProject(uid: string): Project | undefined {
    return this.#projects.get(uid);
  }

  // Exports

  /** Starts an export job; it finishes by itself `durationMs` later. */
  createExport(
    organization: OrganizationId,
    key: string,
    dataset: string,
    format: ExportFormat,
  ): ExportJob {
    const job: ExportJob = {
      uid: randomUUID(),
      dataset,
      format,
      organization,
      key,
      createdAt: this.#now(),
      cancelledAt: null,
    };
    this.#exports.set(job.uid, job);
    return job;
  }

  /** An export job by uid, whatever its organization. */
  getExport(uid: string): ExportJob | undefined {
    return this.#exports.get(uid);
  }

  /** The organization's export jobs in creation order, each with its position for cursors. */
  listExports(organization: OrganizationId): Positioned<ExportJob>[] {
    return [...this.#exports.values()]
      .filter((job) => job.organization === organization)
      .map((item, index) => ({ position: index + 1, item }));
  }

  /** Every export job a key created. */
  exportsOf(key: string): ExportJob[] {
    return [...this.#exports.values()].filter((job) => job.key === key);
  }

  /** Marks a job cancelled (the caller checked it was still active). */
  cancelExport(job: ExportJob): void {
    job.cancelledAt = this.#now();
  }

  // Uploads

  /** Hands out an upload slot. */
  createUpload(
    organization: OrganizationId,
    input: Pick<Upload, 'filename' | 'size' | 'content_type'>,
  ): Upload {
    const upload: Upload = {
      uid: randomUUID(),
      organization,
      created_at: new Date(this.#now()).toISOString(),
      received: null,
      ...input,
    };
    this.#uploads.set(upload.uid, upload);
    return upload;
  }

  /** Records the bytes that arrived at an upload URL. */
  receiveUpload(upload: Upload, bytes: number): void {
    upload.received = bytes;
  }

  /** An upload slot by uid. */
  getUpload(uid: string): Upload | undefined {
    return this.#uploads.get(uid);
  }

  #seedDataset(organization: OrganizationId, n: number, name: string): void {
    const created = new Date(SEED_EPOCH + n * 3_600_000).toISOString();
    const splits: Split[] = ['train', 'val', 'test'];
    const stored: StoredDataset = {
      uid: seedUid(1, n),
      name,
      slug: slugify(name),
      description: n % 3 === 0 ? '' : `Seeded sample data: ${name.toLowerCase()}.`,
      visibility: n % 3 === 0 ? 'private' : n % 2 === 0 ? 'public' : 'private',
      filters: { split: splits[n % 3] ?? null },
      items: [{ weight: 1 }],
      item_count: 100 + n * 7,
      organization,
      created_at: created,
      updated_at: created,
      seq: ++this.#seq,
    };
    this.#datasets.set(stored.uid, stored);
  }

  #seedProject(
    organization: OrganizationId,
    n: number,
    name: string,
    task_type: Project['task_type'],
    auto_label_available: boolean,
  ): void {
    this.#projects.set(seedUid(2, n), {
      uid: seedUid(2, n),
      name,
      description: `Seeded project: ${name.toLowerCase()}.`,
      task_type,
      dataset: organization === 'org_acme' ? seedUid(1, n) : seedUid(1, 100 + 1),
      auto_label_available,
      organization,
      created_at: new Date(SEED_EPOCH + n * 86_400_000).toISOString(),
    });
  }
}

/** Derives an export's status from the clock: pending for the first tenth, then running, then finished. */
export function exportStatus(job: ExportJob, now: number, durationMs: number): ExportStatus {
  if (job.cancelledAt !== null) return 'cancelled';
  const elapsed = now - job.createdAt;
  if (elapsed >= durationMs) return 'finished';
  return elapsed < durationMs / 10 ? 'pending' : 'running';
}

/** Stable, readable UUIDs for seeded records: the first digit tells the resource. */
function seedUid(kind: number, n: number): string {
  return `${kind}0000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

function slugify(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function toDataset({ seq: _seq, ...dataset }: StoredDataset): Dataset {
  return structuredClone(dataset);
}
