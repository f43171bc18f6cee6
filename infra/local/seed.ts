/** ~50 demo students with varied hometowns, scores and names (some accented). */
const FIRST = ['An', 'Bình', 'Chi', 'Dũng', 'Emma', 'Farid', 'Giulia', 'Hana', 'Ivan', 'José'];
const LAST = ['Nguyen', 'Tran', 'Le', 'Pham', 'Smith', 'García', 'Rossi', 'Sato', 'Petrov', "O'Brien"];
const TOWNS = ['Hanoi', 'Da Nang', 'Hue', 'Saigon', 'Lyon', null];

export function demoStudents(count = 50) {
  return Array.from({ length: count }, (_, i) => {
    const score = (offset: number) => (i % 7 === offset ? null : Math.round((((i * 37 + offset * 11) % 101) / 10) * 10) / 10);
    return {
      student_id: `S${String(i + 1).padStart(4, '0')}`,
      first_name: FIRST[i % FIRST.length]!,
      last_name: LAST[(i * 3) % LAST.length]!,
      email: i % 5 === 4 ? null : `student${i + 1}@example.edu`,
      hometown: TOWNS[i % TOWNS.length] ?? null,
      math_score: score(1),
      literature_score: score(2),
      english_score: score(3),
    };
  });
}

/** A well-behaved client: on 429 or 503 it waits for Retry-After (a few times) and tries again. */
async function postHonouringRetryAfter(url: string, init: RequestInit, attempts = 5): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(url, init);
    if ((response.status !== 429 && response.status !== 503) || attempt === attempts) return response;
    const seconds = Number(response.headers.get('retry-after') ?? 1);
    await new Promise((resolve) => setTimeout(resolve, Math.min(Math.max(seconds, 0.2), 30) * 1000));
  }
}

/** Creates the demo students through the API as `token`'s caller (a staff or admin JWT); existing ids are left as they are. */
export async function seed(baseUrl: string, token: string, count = 50): Promise<{ created: number; existing: number }> {
  let created = 0;
  let existing = 0;
  for (const student of demoStudents(count)) {
    const response = await postHonouringRetryAfter(`${baseUrl}/api/v1/students`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(student),
    });
    if (response.status === 201) created++;
    else if (response.status === 409) existing++;
    else throw new Error(`seeding ${student.student_id} failed: ${response.status} ${await response.text()}`);
  }
  return { created, existing };
}
