import type { StoredItem } from '../../shared/store/entity-store.js';
import { seededRandom } from './seeded-random.js';

const PROVINCES = [
  'Hà Nội',
  'Hồ Chí Minh',
  'Đà Nẵng',
  'Hải Phòng',
  'Cần Thơ',
  'Huế',
  'Nghệ An',
  'Thanh Hóa',
  'Nam Định',
  'Thái Bình',
  'Hải Dương',
  'Bắc Ninh',
  'Quảng Ninh',
  'Khánh Hòa',
  'Lâm Đồng',
  'Bình Định',
  'Đồng Nai',
  'Bình Dương',
  'Long An',
  'An Giang',
  'Kiên Giang',
  'Cà Mau',
  'Bến Tre',
  'Tiền Giang',
  'Vĩnh Long',
  'Quảng Nam',
  'Quảng Ngãi',
  'Phú Yên',
  'Đắk Lắk',
  'Gia Lai',
  'Manchester',
  'Leeds',
  'Bristol',
  'London',
  'Boston',
  'Seattle',
  'Toronto',
  'Sydney',
  'Melbourne',
  'Auckland',
];
const VIET_FAMILY = ['Nguyễn', 'Nguyễn', 'Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý'];
const VIET_GIVEN = [
  'An',
  'Bình',
  'Châu',
  'Dũng',
  'Giang',
  'Hà',
  'Hải',
  'Hạnh',
  'Hiếu',
  'Hương',
  'Khánh',
  'Linh',
  'Long',
  'Mai',
  'Minh',
  'Nam',
  'Ngọc',
  'Phúc',
  'Quân',
  'Thảo',
  'Trang',
  'Tuấn',
  'Vy',
  'Yến',
];
const EN_FIRST = ['Oliver', 'Amelia', 'George', 'Isla', 'Harry', 'Ava', 'Jack', 'Mia', 'Noah', 'Emily', 'Leo', 'Grace', 'Oscar', 'Chloe'];
const EN_LAST = ['Smith', 'Jones', 'Williams', 'Taylor', 'Brown', 'Davies', 'Evans', 'Wilson', 'Thomas', 'Johnson', "O'Brien", 'Clarke'];

export interface DatasetOptions {
  rows: number;
  /** Share of rows in the most common hometown (the rest follow a Zipf-like tail); default 0.35. */
  hottestHometown?: number;
  seed?: number;
}

/**
 * Realistic student rows, generated one at a time (nothing kept): ~70% Vietnamese names
 * (Nguyễn about a third of those), ~30% English; one hometown holds `hottestHometown` of the
 * rows, the others a 1/rank tail; 2% have none; scores with 2 decimals, some missing.
 */
export function* capacityDataset(options: DatasetOptions): Generator<StoredItem> {
  const next = seededRandom(options.seed ?? 1);
  const hottest = options.hottestHometown ?? 0.35;
  const tail = PROVINCES.slice(1);
  const weights = tail.map((_, rank) => 1 / (rank + 1));
  const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const hometown = (): string | null => {
    const roll = next();
    if (roll < 0.02) return null;
    if (roll < 0.02 + hottest) return PROVINCES[0]!;
    let point = next() * totalWeight;
    for (let i = 0; i < tail.length; i++) if ((point -= weights[i]!) <= 0) return tail[i]!;
    return tail.at(-1)!;
  };
  const score = () => (next() < 0.08 ? null : Math.round(next() * 1000) / 100);
  const started = Date.UTC(2025, 0, 1);
  for (let i = 0; i < options.rows; i++) {
    const vietnamese = next() < 0.7;
    const first = vietnamese ? `${pick(VIET_GIVEN)}` : pick(EN_FIRST);
    const last = vietnamese ? pick(VIET_FAMILY) : pick(EN_LAST);
    const at = new Date(started + i * 37).toISOString();
    yield {
      student_id: `C${i.toString(36).toUpperCase().padStart(7, '0')}`,
      first_name: first,
      last_name: last,
      email:
        next() < 0.1
          ? null
          : `${first}.${last}.${i}@example.edu`.normalize('NFKD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').replace(/'/g, '').toLowerCase(),
      hometown: hometown(),
      math_score: score(),
      literature_score: score(),
      english_score: score(),
      created_at: at,
      updated_at: at,
      version: 1,
    };
  }
}
