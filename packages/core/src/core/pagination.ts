import type { StandardSchemaV1, StandardSchemaV1Issue } from 'ky';
import type { Page } from '../types/client.js';
import { UnsafeUrlError } from '../utils/url.js';

type PageResult = Awaited<
  ReturnType<StandardSchemaV1<unknown, Page<unknown>>['~standard']['validate']>
>;

/**
 * A Standard Schema for one page of a cursor-paginated list (`{next, previous, results,
 * count?}`, docs/avala-api.md) that parses each item with `item` (any Standard Schema, e.g. zod).
 * Handing it to ky's `.json(schema)` makes a bad page or item an `invalid_response` whose
 * issues point at `results.3.name`. The page's `next`/`previous` come out resolved against
 * `pageUrl`, the URL it is fetched from, so `client.page(page.next)` (and an infinite query's
 * next page) requests what the API meant; a link that does not parse is left as it is, and
 * following it is refused then.
 */
export function pageSchema(
  item: StandardSchemaV1 | undefined,
  pageUrl: string,
): StandardSchemaV1<unknown, Page<unknown>> {
  return {
    '~standard': {
      version: 1,
      vendor: 'avala-fetch',
      validate: (value) => validatePage(value, item, pageUrl),
    },
  };
}

async function validatePage(
  value: unknown,
  item: StandardSchemaV1 | undefined,
  pageUrl: string,
): Promise<PageResult> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { issues: [{ message: 'Expected a page object with `results`' }] };
  }
  const page = value as Record<string, unknown>;
  const issues: StandardSchemaV1Issue[] = [];
  if (!Array.isArray(page.results))
    issues.push({ message: 'Expected an array', path: ['results'] });
  for (const key of ['next', 'previous'] as const) {
    const link = page[key];
    if (link !== undefined && link !== null && typeof link !== 'string') {
      issues.push({ message: 'Expected a URL or null', path: [key] });
    }
  }
  if (page.count !== undefined && typeof page.count !== 'number') {
    issues.push({ message: 'Expected a number', path: ['count'] });
  }
  if (issues.length > 0) return { issues };

  const raw = page.results as unknown[];
  let results = raw;
  if (item) {
    results = [];
    for (const [index, entry] of raw.entries()) {
      const parsed = await item['~standard'].validate(entry);
      if (parsed.issues) {
        for (const issue of parsed.issues) {
          issues.push({ ...issue, path: ['results', index, ...(issue.path ?? [])] });
        }
      } else {
        results.push(parsed.value);
      }
    }
    if (issues.length > 0) return { issues };
  }
  const out: Page<unknown> = {
    next: absoluteLink(page.next as string | null | undefined, pageUrl),
    previous: absoluteLink(page.previous as string | null | undefined, pageUrl),
    results,
  };
  if (typeof page.count === 'number') out.count = page.count;
  return { value: out };
}

/**
 * A `next`/`previous` link as an absolute URL: relative links resolve against the page they
 * came from (docs/avala-api.md: follow `next` as given). Following it goes through the same
 * check as any path — on the base origin, inside the base path, after parsing — so only a
 * link that does not parse at all is refused here, with `UnsafeUrlError` like every refusal.
 */
export function resolvePageLink(link: string, pageUrl: string): string {
  try {
    return new URL(link, pageUrl).href;
  } catch {
    throw new UnsafeUrlError('invalid_url', 'refused a pagination link that does not parse');
  }
}

function absoluteLink(link: string | null | undefined, pageUrl: string): string | null {
  if (link === undefined || link === null) return null;
  try {
    return new URL(link, pageUrl).href;
  } catch {
    return link;
  }
}
