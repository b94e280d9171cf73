import { randomUUID } from 'node:crypto';
import type { OrganizationId } from './keys.js';

/** Dataset visibility, as Avala names it. */
export type Visibility = 'private' | 'public';
/** What a dataset holds (docs/avala-api.md). */
export type DataType = 'image' | 'video' | 'lidar' | 'mcap';
/** A dataset's life: `creating` while its files are ingested, then `created`. */
export type DatasetStatus = 'creating' | 'created';
/** The split a dataset's filter selects (a sandbox field that exercises nested errors). */
export type Split = 'train' | 'val' | 'test';
/** A project's state. */
export type ProjectStatus = 'active' | 'archived';
/** Export file formats. */
export type ExportFormat = 'coco' | 'yolo' | 'avala-json';
/** An export job's life: pending → running → exported, or failed (docs/avala-api.md). */
export type ExportStatus = 'pending' | 'running' | 'exported' | 'failed';
/** An auto-label job's life: pending → running → completed, or cancelled on the way. */
export type AutoLabelStatus = 'pending' | 'running' | 'completed' | 'cancelled';

export const DATA_TYPES: readonly DataType[] = ['image', 'video', 'lidar', 'mcap'];

/** Each organization's owner name, the first segment of `/datasets/{owner}/{slug}/`. */
export const OWNER_NAMES: Record<OrganizationId, string> = {
  org_acme: 'acme',
  org_globex: 'globex',
};

/** A dataset as the API returns it. */
export interface Dataset {
  uid: string;
  name: string;
  slug: string;
  owner_name: string;
  data_type: DataType;
  status: DatasetStatus;
  is_sequence: boolean;
  item_count: number;
  description: string;
  visibility: Visibility;
  filters: { split: Split | null };
  organization: OrganizationId;
  created_at: string;
  updated_at: string;
}

/** An item of a dataset (`/datasets/{owner}/{slug}/items/`). */
export interface DatasetItem {
  uid: string;
  key: string;
  dataset: string;
  dataset_owner_name: string;
  dataset_slug: string;
  url: string;
  metadata: Record<string, unknown>;
  related_sequence_uid: string | null;
  created_at: string;
  updated_at: string;
}

/** A sequence of a sequence dataset (`/datasets/{owner}/{slug}/sequences/`). */
export interface DatasetSequence {
  uid: string;
  key: string;
  status: 'ready';
  number_of_frames: number;
  dataset_uid: string;
  featured_image: string | null;
}

/** A project as the API returns it. */
export interface Project {
  uid: string;
  name: string;
  status: ProjectStatus;
  description: string;
  task_type: 'box' | 'polygon' | 'segmentation' | 'classification';
  dataset: string | null;
  /** Whether the organization's plan includes auto-labeling for this project. */
  auto_label_available: boolean;
  organization: OrganizationId;
  created_at: string;
  updated_at: string;
}

/** An export job as stored; its status is derived from the clock when read. */
export interface ExportJob {
  uid: string;
  dataset: string | null;
  project: string | null;
  format: ExportFormat;
  organization: OrganizationId;
  /** The key that created it: the concurrent-export limit is per key. */
  key: string;
  /** Why the job will fail when it ends, or `null` when it will be exported. */
  failure: string | null;
  createdAt: number;
}

/** An auto-label job as stored; its status and progress are derived from the clock when read. */
export interface AutoLabelJob {
  uid: string;
  project: string;
  organization: OrganizationId;
  model_type: string;
  confidence_threshold: number;
  labels: string[];
  dry_run: boolean;
  total_items: number;
  createdAt: number;
  cancelledAt: number | null;
}

/** A presigned upload form handed out by `POST /datasets/manual-upload/file-upload-url/`. */
export interface PendingUpload {
  /** The storage object key, also a field of the form. */
  objectKey: string;
  organization: OrganizationId;
  dataset_name: string;
  file_path_in_dataset: string;
  content_length: number;
  /** The form's `policy` and `x-amz-signature` fields, which the storage checks. */
  policy: string;
  signature: string;
  /** Epoch ms after which the storage refuses the form. */
  expiresAt: number;
  /** Bytes the storage received; `null` until the file arrived. */
  received: number | null;
}

/** A list entry with its stable position (creation order), which cursors point at. */
export interface Positioned<T> {
  position: number;
  item: T;
}

/** What creating a dataset takes; `items` become the dataset's items. */
export interface DatasetInput {
  name: string;
  slug: string;
  data_type: DataType;
  is_sequence: boolean;
  description: string;
  visibility: Visibility;
  filters: { split: Split | null };
  /** Item keys and metadata to create the dataset with. */
  items: { key: string; metadata: Record<string, unknown> }[];
}

/** The dataset list's filters (docs/avala-api.md); `name` matches case-insensitively, in part. */
export interface DatasetFilters {
  data_type?: DataType;
  name?: string;
  status?: DatasetStatus;
  visibility?: Visibility;
}

interface StoredDataset extends Omit<Dataset, 'item_count'> {
  /** Creation order: the cursor pagination's stable position. */
  seq: number;
  items: DatasetItem[];
  sequences: DatasetSequence[];
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
 * The sandbox's data: seeded datasets (enough for several pages) with their items and
 * sequences, projects (one of them behind a plan), export and auto-label jobs, and the
 * uploads of the manual-upload flow. Everything lives in memory; `reset()` puts the seed
 * back.
 */
export class Store {
  #datasets = new Map<string, StoredDataset>();
  #projects = new Map<string, Project>();
  #exports = new Map<string, ExportJob>();
  #autoLabelJobs = new Map<string, AutoLabelJob>();
  #uploads = new Map<string, PendingUpload>();
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
    this.#autoLabelJobs.clear();
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

  /** The organization's datasets in creation order, filtered, each with its position for cursors. */
  listDatasets(organization: OrganizationId, filters: DatasetFilters = {}): Positioned<Dataset>[] {
    const name = filters.name?.toLowerCase();
    return [...this.#datasets.values()]
      .filter(
        (dataset) =>
          dataset.organization === organization &&
          (filters.data_type === undefined || dataset.data_type === filters.data_type) &&
          (filters.status === undefined || dataset.status === filters.status) &&
          (filters.visibility === undefined || dataset.visibility === filters.visibility) &&
          (name === undefined || dataset.name.toLowerCase().includes(name)),
      )
      .sort((a, b) => a.seq - b.seq)
      .map((stored) => ({ position: stored.seq, item: toDataset(stored) }));
  }

  /** A dataset by uid, whatever its organization (the route decides who may see it). */
  getDataset(uid: string): Dataset | undefined {
    const stored = this.#datasets.get(uid);
    return stored && toDataset(stored);
  }

  /** A dataset by its owner's name and its slug. */
  findDataset(owner: string, slug: string): Dataset | undefined {
    for (const stored of this.#datasets.values()) {
      if (stored.owner_name === owner && stored.slug === slug) return toDataset(stored);
    }
    return undefined;
  }

  /** A dataset's items in creation order, each with its position for cursors. */
  listItems(datasetUid: string): Positioned<DatasetItem>[] {
    const items = this.#datasets.get(datasetUid)?.items ?? [];
    return items.map((item, index) => ({ position: index + 1, item: structuredClone(item) }));
  }

  /** A dataset's sequences, each with its position for cursors. */
  listSequences(datasetUid: string): Positioned<DatasetSequence>[] {
    const sequences = this.#datasets.get(datasetUid)?.sequences ?? [];
    return sequences.map((item, index) => ({ position: index + 1, item: structuredClone(item) }));
  }

  /**
   * Which unique field of the organization's datasets a name or slug would collide with
   * (names case-insensitively), or `undefined` when both are free.
   */
  datasetConflict(
    organization: OrganizationId,
    wanted: { name?: string; slug?: string },
    exceptUid?: string,
  ): 'name' | 'slug' | undefined {
    const name = wanted.name?.toLowerCase();
    for (const dataset of this.#datasets.values()) {
      if (dataset.organization !== organization || dataset.uid === exceptUid) continue;
      if (name !== undefined && dataset.name.toLowerCase() === name) return 'name';
      if (wanted.slug !== undefined && dataset.slug === wanted.slug) return 'slug';
    }
    return undefined;
  }

  /** Adds a dataset with its items. */
  createDataset(organization: OrganizationId, input: DatasetInput): Dataset {
    const now = new Date(this.#now()).toISOString();
    const { items, ...fields } = input;
    const stored: StoredDataset = {
      uid: randomUUID(),
      ...fields,
      owner_name: OWNER_NAMES[organization],
      status: 'created',
      organization,
      created_at: now,
      updated_at: now,
      items: [],
      sequences: [],
      seq: ++this.#seq,
    };
    stored.items = items.map((item) =>
      makeItem(stored, randomUUID(), item.key, item.metadata, now),
    );
    this.#datasets.set(stored.uid, stored);
    return toDataset(stored);
  }

  /** Applies a partial update; `undefined` when the dataset is gone. */
  updateDataset(
    uid: string,
    changes: Partial<Omit<DatasetInput, 'items' | 'data_type' | 'is_sequence'>>,
  ): Dataset | undefined {
    const stored = this.#datasets.get(uid);
    if (!stored) return undefined;
    Object.assign(stored, changes, { updated_at: new Date(this.#now()).toISOString() });
    for (const item of stored.items) item.dataset_slug = stored.slug;
    return toDataset(stored);
  }

  /** Removes a dataset; false when there was none. */
  deleteDataset(uid: string): boolean {
    return this.#datasets.delete(uid);
  }

  // Projects

  /** The organization's projects, each with its position for cursors. */
  listProjects(organization: OrganizationId): Positioned<Project>[] {
    return [...this.#projects.values()]
      .filter((project) => project.organization === organization)
      .map((item, index) => ({ position: index + 1, item: structuredClone(item) }));
  }

  /** A project by uid, whatever its organization. */
  getProject(uid: string): Project | undefined {
    const project = this.#projects.get(uid);
    return project && structuredClone(project);
  }

  // Exports

  /** Starts an export job of a dataset or a project; it ends by itself later. */
  createExport(
    job: Pick<ExportJob, 'organization' | 'key' | 'dataset' | 'project' | 'format' | 'failure'>,
  ): ExportJob {
    const stored: ExportJob = { ...job, uid: randomUUID(), createdAt: this.#now() };
    this.#exports.set(stored.uid, stored);
    return stored;
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

  // Auto-label jobs

  /** Starts an auto-label job; it completes by itself later. */
  createAutoLabelJob(job: Omit<AutoLabelJob, 'uid' | 'createdAt' | 'cancelledAt'>): AutoLabelJob {
    const stored: AutoLabelJob = {
      ...job,
      uid: randomUUID(),
      createdAt: this.#now(),
      cancelledAt: null,
    };
    this.#autoLabelJobs.set(stored.uid, stored);
    return stored;
  }

  /** An auto-label job by uid, whatever its organization. */
  getAutoLabelJob(uid: string): AutoLabelJob | undefined {
    return this.#autoLabelJobs.get(uid);
  }

  /** The organization's auto-label jobs (of one project, when given), each with its position. */
  listAutoLabelJobs(organization: OrganizationId, project?: string): Positioned<AutoLabelJob>[] {
    return [...this.#autoLabelJobs.values()]
      .filter((job) => job.organization === organization)
      .map((item, index) => ({ position: index + 1, item }))
      .filter((entry) => project === undefined || entry.item.project === project);
  }

  /** Marks a job cancelled (the caller checked it was still active). */
  cancelAutoLabelJob(job: AutoLabelJob): void {
    job.cancelledAt = this.#now();
  }

  // Uploads

  /** Records a presigned upload form that was handed out. */
  addUpload(upload: Omit<PendingUpload, 'received'>): PendingUpload {
    const stored: PendingUpload = { ...upload, received: null };
    this.#uploads.set(stored.objectKey, stored);
    return stored;
  }

  /** An upload by its storage object key. */
  getUpload(objectKey: string): PendingUpload | undefined {
    return this.#uploads.get(objectKey);
  }

  /** Records the bytes that arrived at the storage. */
  receiveUpload(upload: PendingUpload, bytes: number): void {
    upload.received = bytes;
  }

  /** The files that reached storage for a dataset name, in the order their forms were handed out. */
  receivedUploads(organization: OrganizationId, datasetName: string): PendingUpload[] {
    return [...this.#uploads.values()].filter(
      (upload) =>
        upload.organization === organization &&
        upload.dataset_name === datasetName &&
        upload.received !== null,
    );
  }

  /** Forgets uploads once a dataset was made of them. */
  consumeUploads(uploads: readonly PendingUpload[]): void {
    for (const upload of uploads) this.#uploads.delete(upload.objectKey);
  }

  #seedDataset(organization: OrganizationId, n: number, name: string): void {
    const created = new Date(SEED_EPOCH + n * 3_600_000).toISOString();
    const splits: Split[] = ['train', 'val', 'test'];
    const data_type = DATA_TYPES[n % DATA_TYPES.length] ?? 'image';
    const stored: StoredDataset = {
      uid: seedUid(1, n),
      name,
      slug: slugify(name),
      owner_name: OWNER_NAMES[organization],
      data_type,
      status: 'created',
      is_sequence: data_type === 'video' || data_type === 'lidar',
      description: n % 3 === 0 ? '' : `Seeded sample data: ${name.toLowerCase()}.`,
      visibility: n % 3 === 0 ? 'private' : n % 2 === 0 ? 'public' : 'private',
      filters: { split: splits[n % 3] ?? null },
      organization,
      created_at: created,
      updated_at: created,
      items: [],
      sequences: [],
      seq: ++this.#seq,
    };
    if (stored.is_sequence) {
      stored.sequences = [1, 2].map((s) => ({
        uid: seedUid(4, n * 100 + s),
        key: `sequence-${s}`,
        status: 'ready',
        number_of_frames: 3,
        dataset_uid: stored.uid,
        featured_image: null,
      }));
    }
    const itemCount = 3 + (n % 4);
    for (let i = 1; i <= itemCount; i++) {
      const sequence = stored.sequences[(i - 1) % 2];
      const item = makeItem(stored, seedUid(3, n * 100 + i), `frame-${i}.jpg`, {}, created);
      if (sequence) item.related_sequence_uid = sequence.uid;
      stored.items.push(item);
    }
    this.#datasets.set(stored.uid, stored);
  }

  #seedProject(
    organization: OrganizationId,
    n: number,
    name: string,
    task_type: Project['task_type'],
    auto_label_available: boolean,
  ): void {
    const created = new Date(SEED_EPOCH + n * 86_400_000).toISOString();
    this.#projects.set(seedUid(2, n), {
      uid: seedUid(2, n),
      name,
      status: n === 4 ? 'archived' : 'active',
      description: `Seeded project: ${name.toLowerCase()}.`,
      task_type,
      dataset: organization === 'org_acme' ? seedUid(1, n) : seedUid(1, 100 + 1),
      auto_label_available,
      organization,
      created_at: created,
      updated_at: created,
    });
  }
}

/** Derives an export's status from the clock: pending for the first tenth, then running, then its end. */
export function exportStatus(job: ExportJob, now: number, durationMs: number): ExportStatus {
  const elapsed = now - job.createdAt;
  if (elapsed >= durationMs) return job.failure === null ? 'exported' : 'failed';
  return elapsed < durationMs / 10 ? 'pending' : 'running';
}

/** Derives an auto-label job's status and progress (0…1) from the clock. */
export function autoLabelProgress(
  job: AutoLabelJob,
  now: number,
  durationMs: number,
): { status: AutoLabelStatus; fraction: number } {
  const until = job.cancelledAt ?? now;
  const startsAt = durationMs / 10;
  const elapsed = until - job.createdAt;
  const fraction =
    durationMs === 0 ? 1 : Math.min(1, Math.max(0, (elapsed - startsAt) / (durationMs - startsAt)));
  if (job.cancelledAt !== null) return { status: 'cancelled', fraction };
  if (elapsed >= durationMs) return { status: 'completed', fraction: 1 };
  return { status: elapsed < startsAt ? 'pending' : 'running', fraction };
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

function makeItem(
  dataset: Pick<StoredDataset, 'uid' | 'owner_name' | 'slug'>,
  uid: string,
  key: string,
  metadata: Record<string, unknown>,
  at: string,
): DatasetItem {
  return {
    uid,
    key,
    dataset: dataset.uid,
    dataset_owner_name: dataset.owner_name,
    dataset_slug: dataset.slug,
    // Where the file would be served from; the sandbox stores no bytes.
    url: `https://storage.sandbox.invalid/${dataset.owner_name}/${dataset.slug}/${key}`,
    metadata,
    related_sequence_uid: null,
    created_at: at,
    updated_at: at,
  };
}

function toDataset({
  seq: _seq,
  items,
  sequences: _sequences,
  ...dataset
}: StoredDataset): Dataset {
  return { ...structuredClone(dataset), item_count: items.length };
}
