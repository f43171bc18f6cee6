/** How stored text and search terms are compared (`search=`): NFKC, lower-case substring. */
export function searchText(value: string): string {
  return value.normalize('NFKC').toLowerCase();
}
