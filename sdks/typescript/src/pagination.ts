import type { Pagination } from './generated/types.gen.js';

/** A list envelope as the API returns it: `data` items and `pagination`. */
export interface ListEnvelope {
  data: unknown[];
  pagination: Pagination;
}

/** The item type of a list envelope. */
export type ItemOf<E extends ListEnvelope> = E['data'][number];

/**
 * One page of a list: the envelope's fields (`data`, `pagination`, and any others such as the
 * marketplace's `facets`), `has_more`, and `nextPage()` to fetch the page after it.
 */
export type Page<E extends ListEnvelope> = Omit<E, 'success'> & {
  /** True when another page may follow. */
  has_more: boolean;
  /** The next page, or null after the last one. */
  nextPage(): Promise<Page<E> | null>;
};

/**
 * What a list method returns: a promise of the first page that is also an async iterable over
 * every item of every page (`for await (const c of client.customers.list({ limit: 100 }))`).
 */
export type PagePromise<E extends ListEnvelope> = Promise<Page<E>> & AsyncIterable<ItemOf<E>>;

/** Query parameters a list accepts, as far as walking pages is concerned. */
export interface PageParams {
  page?: number | null;
  cursor?: string | null;
  [name: string]: unknown;
}

/**
 * The parameters of the page after `envelope`, or null after the last one. A cursor, when the
 * API gives one, is followed; lists without cursors (or with a sort that has none) go by page
 * number. A walk that started on cursors stays on them.
 */
export function nextPageParams(
  params: PageParams,
  envelope: ListEnvelope,
  paging: 'cursor' | 'page' | 'single',
): PageParams | null {
  if (paging === 'single' || envelope.data.length === 0 || !envelope.pagination) return null;
  const nextCursor = envelope.pagination.next_cursor;
  if (paging === 'cursor' && nextCursor) {
    const { page: _page, ...rest } = params;
    return { ...rest, cursor: nextCursor };
  }
  if (params.cursor) return null;
  const { page, totalPages } = envelope.pagination;
  // A server that ignored the page asked for would send the same page forever.
  if (params.page != null && page !== params.page) return null;
  return page < totalPages ? { ...params, page: page + 1 } : null;
}

/** Build the page promise of a list call; `fetchPage` fetches one envelope for some params. */
export function pagePromise<E extends ListEnvelope>(
  params: PageParams,
  paging: 'cursor' | 'page' | 'single',
  fetchPage: (params: PageParams) => Promise<E>,
): PagePromise<E> {
  const load = async (pageParams: PageParams): Promise<Page<E>> => {
    const envelope = await fetchPage(pageParams);
    const next = nextPageParams(pageParams, envelope, paging);
    const { success: _success, ...fields } = envelope as E & { success?: boolean };
    return {
      ...(fields as Omit<E, 'success'>),
      has_more: next !== null,
      nextPage: () => (next === null ? Promise.resolve(null) : load(next)),
    };
  };
  const first = load(params);
  async function* items(): AsyncGenerator<ItemOf<E>, void, undefined> {
    let page: Page<E> | null = await first;
    while (page !== null) {
      yield* page.data as ItemOf<E>[];
      page = await page.nextPage();
    }
  }
  return Object.assign(first, { [Symbol.asyncIterator]: items });
}
