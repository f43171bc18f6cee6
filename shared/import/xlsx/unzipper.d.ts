// The part of unzipper (exceljs's own zip reader, pinned to the version exceljs resolves) that the
// streaming workbook reader uses; the package ships no typings.
declare module 'unzipper' {
  import type { Duplex, PassThrough } from 'node:stream';

  /** One zip entry: a stream of its inflated bytes. */
  export interface Entry extends PassThrough {
    path: string;
    autodrain(): unknown;
  }

  /** A writable zip stream that emits (and, as an async iterable, yields) its entries in file order. */
  export function Parse(options?: { forceStream?: boolean }): Duplex & AsyncIterable<Entry>;

  const unzipper: { Parse: typeof Parse };
  export default unzipper;
}
