// The page script's size budget (issue 3): at most 10 KB minified + gzipped. The shipped file
// is the readable source (the server serves it as written); the minified figure is what a
// store would get from any minifying proxy or CDN, so that is what the budget bounds.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { minify } from 'terser';

const BUDGET = 10 * 1024;
const files = ['src/pushcart.js', 'src/pushcart-sw.js'];
let failed = false;
for (const file of files) {
  const source = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
  const min = await minify(source, { ecma: file.endsWith('-sw.js') ? 2020 : 5, compress: { passes: 2 }, mangle: true });
  const gz = (s) => gzipSync(Buffer.from(s), { level: 9 }).length;
  const line = `${file}: raw ${source.length} B, raw gzipped ${gz(source)} B, minified ${min.code.length} B, minified+gzipped ${gz(min.code)} B`;
  if (file === 'src/pushcart.js' && gz(min.code) > BUDGET) {
    console.error(`${line} -- OVER the ${BUDGET} B budget`);
    failed = true;
  } else {
    console.log(`${line}${file === 'src/pushcart.js' ? ` (budget ${BUDGET} B)` : ''}`);
  }
}
process.exit(failed ? 1 : 0);
