// The routes' own work, shared by every example app (and the e2e tests).

// The seed's pyinstrument example, in Node: a million random pairs summed by a tiny function.
export function add(a, b) {
  return a + b;
}

// A seeded generator (mulberry32), so that responses are the same with and without prof.
function makeRandom(seed) {
  let a = seed >>> 0;
  return function random() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randint(random, lo, hi) {
  return lo + Math.floor(random() * (hi - lo + 1));
}

export function getSumOfList(n = 1_000_000) {
  const random = makeRandom(42);
  const finalList = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const rand1 = randint(random, 1, 100);
    const rand2 = randint(random, 1, 100);
    total = add(total, add(rand1, rand2));
  }
  finalList.push(total);
  return finalList;
}

export function buildReport(rows) {
  return JSON.stringify(Array.from({ length: rows }, (_, i) => ({ id: i, label: `row ${i}`, square: i * i })));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function fetchOrders() {
  await sleep(20);
  const body = buildReport(20_000);
  await sleep(10);
  return JSON.parse(body).length;
}

/** A chunked response body: the same for every framework. */
export async function* streamChunks(count = 5) {
  for (let i = 0; i < count; i++) {
    await sleep(5);
    yield `chunk ${i} ${getSumOfList(50_000)[0]}\n`;
  }
}
