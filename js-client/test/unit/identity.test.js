'use strict';
// The Node code that docs/js-snippet.md gives stores for identify's signature, run as written,
// signs the fixed vector as the server does (server: io.pushcart.site.IdentityTest, the same
// vector, computed once with `printf %s c-10293 | openssl dgst -sha256 -hmac <secret>`).
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const SECRET = 'pcid_Q2hlY2sgdGhlIEhNQUMgb24gYm90aCBzaWRlcyE';
const CUSTOMER = 'c-10293';
const SIGNATURE = '278c8fff5ab02240b22d06c50346b3fce953a5be209e2efc3239a865f34da9f7';
const DOC = fs.readFileSync(path.join(__dirname, '../../../docs/js-snippet.md'), 'utf8');

/** The code block after `<!-- signature: lang -->` in the docs, unindented. */
function block(lang) {
  const m = new RegExp(`<!-- signature: ${lang} -->\\s*\\n( *)\`\`\`\\w+\\n([\\s\\S]*?)\\n *\`\`\``).exec(DOC);
  assert.ok(m, `docs/js-snippet.md has the ${lang} signature code`);
  return m[2].split('\n').map((l) => (l.startsWith(m[1]) ? l.slice(m[1].length) : l)).join('\n');
}

test('the Node code of the docs signs the fixed vector as the server does', () => {
  const pushcartSignature = new Function('require', `${block('node')}\nreturn pushcartSignature;`)(require);
  assert.equal(pushcartSignature(CUSTOMER, SECRET), SIGNATURE);
  // The same vector the server's test checks for an e-mail address (openssl, as above).
  assert.equal(pushcartSignature('jane.doe+vip@shop.example', SECRET), '702bbd29f70e66be7069b909e55ef510ac09377b328af24b36d9a4e06948b262');
});

test('the docs state the vector the tests check', () => {
  assert.ok(DOC.includes(SECRET) && DOC.includes(SIGNATURE) && DOC.includes('`' + CUSTOMER + '`'));
});
