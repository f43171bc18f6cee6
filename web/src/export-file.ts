import type { ListFilters } from './list-params.js';

export const EXPORT_FORMATS = [
  { value: 'csv', label: 'CSV' },
  { value: 'xlsx', label: 'Excel (.xlsx)' },
  { value: 'xml', label: 'XML' },
] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number]['value'];

/**
 * The query of `GET /api/v1/students/export`: the list's search, hometown and sort (an export
 * takes the list's filters, not its paging) and the format.
 */
export function exportQuery(filters: Pick<ListFilters, 'search' | 'hometown' | 'sort'>, format: ExportFormat): string {
  const params = new URLSearchParams({ format });
  if (filters.search.trim()) params.set('search', filters.search.trim());
  if (filters.hometown.trim()) params.set('hometown', filters.hometown.trim());
  if (filters.sort) params.set('sort', filters.sort);
  return params.toString();
}

/** The file name of a `Content-Disposition` (RFC 6266: `filename*=UTF-8''…` wins over `filename=`). */
export function dispositionFilename(header: string | null): string | undefined {
  if (!header) return undefined;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header)?.[1];
  if (extended) {
    try {
      return decodeURIComponent(extended.trim());
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(header);
  return plain ? (plain[1]?.replace(/\\(.)/g, '$1') ?? plain[2]) : undefined;
}

/** The name S3 will give a presigned download (its `response-content-disposition`). */
export function presignedFilename(url: string): string | undefined {
  try {
    return dispositionFilename(new URL(url).searchParams.get('response-content-disposition'));
  } catch {
    return undefined;
  }
}
