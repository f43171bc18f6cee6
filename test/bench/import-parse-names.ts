/** Accented names of the import-parse bench files (Vietnamese, Nordic, Polish). */
export const NAMES = ['Nguyễn Thị Hương', 'Trần Văn Đức', 'Lê Hoàng Phượng', 'Đặng Quỳnh Nguyệt', 'Zoë Ærøskøbing', 'José Łukasz', 'Bùi Thuỷ Ánh', 'Hồ Khôi'];

/** The name in column 2 of XLSX row `i + 2`: what every reader must return. */
export function xlsxName(i: number): string {
  return `${NAMES[i % NAMES.length]} ${NAMES[(i * 7 + 3) % NAMES.length]} ${i}`;
}
