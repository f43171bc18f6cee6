/** What the user chose above the students table. */
export interface ListFilters {
  search: string;
  hometown: string;
  /** A declared sort (`field` or `-field`); '' for the API's default. */
  sort: string;
  pageSize: number;
}

/**
 * The query string of `GET /api/v1/students` for one page. A cursor is bound to the query it
 * came from, so the same filters go with it on every page.
 */
export function listQuery(filters: ListFilters, cursor: string | null): string {
  const params = new URLSearchParams();
  params.set('page_size', String(filters.pageSize));
  if (filters.search.trim()) params.set('search', filters.search.trim());
  if (filters.hometown.trim()) params.set('hometown', filters.hometown.trim());
  if (filters.sort) params.set('sort', filters.sort);
  if (cursor) params.set('cursor', cursor);
  return params.toString();
}

/**
 * Cursor paging: the cursors of the pages behind the current one. The first page has no
 * cursor; "next" pushes the page's `next_cursor`, "previous" pops.
 */
export class CursorTrail {
  private readonly cursors: (string | null)[] = [null];

  get current(): string | null {
    return this.cursors[this.cursors.length - 1] ?? null;
  }
  /** 1-based number of the page shown. */
  get pageNumber(): number {
    return this.cursors.length;
  }
  get hasPrevious(): boolean {
    return this.cursors.length > 1;
  }
  next(cursor: string): void {
    this.cursors.push(cursor);
  }
  previous(): void {
    if (this.cursors.length > 1) this.cursors.pop();
  }
  reset(): void {
    this.cursors.length = 1;
  }
}

/** `['student_id', '-student_id', …]` → select options, ascending then descending per field. */
export function sortOptions(sorts: readonly string[]): { value: string; label: string }[] {
  return sorts.map((sort) => {
    const descending = sort.startsWith('-');
    const field = descending ? sort.slice(1) : sort;
    const name = field.replace(/_/g, ' ').replace(/^\w/, (letter) => letter.toUpperCase());
    return { value: sort, label: `${name}, ${descending ? 'descending' : 'ascending'}` };
  });
}
