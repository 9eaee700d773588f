// Prints what a first visit to the studio downloads, gzipped: index.html and
// the scripts, module preloads and styles it names. Pages load their own
// chunks on demand on top of this (the browser test measures a real visit).
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const dist = new URL('../dist/', import.meta.url).pathname;
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const files = [...html.matchAll(/(?:src|href)="\/studio\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
let total = gzipSync(html).length;
for (const f of files) {
  const gz = gzipSync(readFileSync(join(dist, f)), { level: 9 }).length;
  total += gz;
  console.log(`${(gz / 1024).toFixed(1).padStart(8)} KiB  ${f}`);
}
console.log(`${(total / 1024).toFixed(1).padStart(8)} KiB  first load, gzipped (with index.html)`);
