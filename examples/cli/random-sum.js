// The seed's pyinstrument example, ported to Node: `prof examples/cli/random-sum.js`.
// Plain script (no import/require), so it runs as CommonJS or ESM alike.
// Optional argument: how many iterations (default 10,000,000; the seed's 1,000,000 is over in a
// few milliseconds in V8).

function add(a, b) {
  return a + b;
}

function randint(low, high) {
  return low + Math.floor(Math.random() * (high - low + 1));
}

function getSumOfList(n) {
  const finalList = [];
  for (let i = 0; i < n; i++) {
    const rand1 = randint(1, 100);
    const rand2 = randint(1, 100);
    const out = add(rand1, rand2);
    if (out < 0) finalList.push(out);
  }
  return finalList;
}

const n = Number(process.argv[2] ?? 10_000_000);
getSumOfList(n);
