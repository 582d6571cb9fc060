// How the app reaches a phone (issue #13, first part): the real server sends the brotli copy of each app file to a
// browser that asks for brotli, gzip to one that asks for gzip only, and the plain file otherwise; and the wasm
// stays within its size budget (app/size-budget.json), so the bundle cannot grow unnoticed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Server } from './harness.mjs';

const ROOT = path.resolve(new URL('../..', import.meta.url).pathname);
const DIST = process.env.CAREPATH_DIST || path.join(ROOT, 'dist');
let server;

before(async () => {
  server = new Server();
  await server.start();
});

after(async () => {
  await server?.stop();
});

/** The raw answer (not decoded): status, headers and body bytes. */
function get(url, acceptEncoding) {
  return new Promise((resolve, reject) => {
    const headers = acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding };
    http.get(url, { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

for (const file of ['pkg/carepath_app_bg.wasm', 'pkg/carepath_app.js', 'styles.css', 'index.html', 'shell.js']) {
  test(`/${file} is sent as brotli, gzip or plain, as the browser asks`, async () => {
    const url = `${server.url}/${file}`;
    const plain = readFileSync(path.join(DIST, file));
    const br = await get(url, 'gzip, deflate, br');
    assert.equal(br.status, 200);
    assert.equal(br.headers['content-encoding'], 'br');
    assert.deepEqual(br.body, readFileSync(path.join(DIST, `${file}.br`)));
    assert.ok(br.body.length < plain.length, 'brotli is smaller');
    const gz = await get(url, 'gzip');
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.deepEqual(gz.body, readFileSync(path.join(DIST, `${file}.gz`)));
    assert.ok(br.body.length < gz.body.length, 'brotli is smaller than gzip');
    const none = await get(url, 'identity');
    assert.equal(none.headers['content-encoding'], undefined);
    assert.deepEqual(none.body, plain);
  });
}

test('an app page (the index.html fallback) is sent as brotli too', async () => {
  const page = await get(`${server.url}/diary`, 'br');
  assert.equal(page.status, 200);
  assert.equal(page.headers['content-encoding'], 'br');
  assert.deepEqual(page.body, readFileSync(path.join(DIST, 'index.html.br')));
});

test('the wasm stays within its brotli size budget', () => {
  const { wasm_brotli_bytes: budget } = JSON.parse(readFileSync(path.join(ROOT, 'app/size-budget.json'), 'utf8'));
  const size = statSync(path.join(DIST, 'pkg/carepath_app_bg.wasm.br')).size;
  console.log(`# wasm: ${statSync(path.join(DIST, 'pkg/carepath_app_bg.wasm')).size} bytes, brotli ${size} bytes, budget ${budget}`);
  assert.ok(size <= budget, `the wasm is ${size} bytes brotli, over its budget of ${budget} (app/size-budget.json)`);
});
