// Calls methods of the official Node SDK, as the Python tests ask, and prints what came back.
//
// Reads one JSON document on stdin (or, run with --session, one per line, answering each
// with one line, so that a test module starts Node and loads the SDK only once):
//   {"client": {...options for new Cloudflare()},
//    "calls": [{"method": "registrar.registrations.list", "args": [...], "iterate": false}]}
// and prints one JSON array on stdout, an entry per call, in order:
//   {"ok": true, "result": ...}  or  {"ok": false, "error": {"class", "status", "errors", ...}}
// Options of a call (each optional):
//   "iterate": true walks every page of a list (the SDK's auto-pagination) into one array;
//   "pages": true walks a list page by page (iterPages), each as {result, result_info};
//   "response": true answers {status, headers, data} (withResponse), for status codes and
//   headers such as ETag; a page's data is {result, result_info}.
// Two entries are not SDK calls:
//   {"methods": "registrar"} answers the dotted names of every public method reachable
//   from client.registrar, its sub-resources walked recursively, sorted;
//   {"fetch": {"url", "method"?, "headers"?, "body"?}} makes a plain HTTP request (the
//   mock's control API, between SDK calls) and answers {status, body}; a body given as
//   JSON is sent as JSON, and a JSON answer is parsed.
'use strict';

const readline = require('node:readline');
const Cloudflare = require('cloudflare');
const { APIResource } = require('cloudflare/core/resource');

function describe(error) {
  const found = { class: error.constructor.name, message: String(error.message) };
  if (error instanceof Cloudflare.APIError) {
    found.status = error.status ?? null;
    found.errors = error.errors ?? null;
  }
  if (error.cause) {
    found.cause = String(error.cause.message ?? error.cause);
  }
  return found;
}

function lookup(client, dotted) {
  const parts = dotted.split('.');
  const name = parts.pop();
  let owner = client;
  for (const part of parts) {
    owner = owner[part];
    if (owner === undefined) {
      throw new Error(`the SDK has no ${dotted}`);
    }
  }
  if (typeof owner[name] !== 'function') {
    throw new Error(`the SDK has no method ${dotted}`);
  }
  return owner[name].bind(owner);
}

// The public methods of a resource (on its class and the classes it extends, up to
// APIResource) and, recursively, of the resources it holds as properties.
function methods(resource, prefix) {
  const found = new Set();
  for (const [name, value] of Object.entries(resource)) {
    if (value instanceof APIResource) {
      for (const inner of methods(value, `${prefix}.${name}`)) {
        found.add(inner);
      }
    }
  }
  let proto = Object.getPrototypeOf(resource);
  while (proto !== null && proto !== APIResource.prototype && proto !== Object.prototype) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name !== 'constructor' && !name.startsWith('_') && typeof resource[name] === 'function') {
        found.add(`${prefix}.${name}`);
      }
    }
    proto = Object.getPrototypeOf(proto);
  }
  return [...found].sort();
}

function isPage(value) {
  return value !== null && typeof value === 'object' && typeof value.iterPages === 'function';
}

function plain(value) {
  return isPage(value) ? { result: value.result, result_info: value.result_info } : value;
}

async function fetchPlain(request) {
  const headers = { ...(request.headers ?? {}) };
  let body;
  if (request.body !== undefined) {
    body = JSON.stringify(request.body);
    headers['Content-Type'] = headers['Content-Type'] ?? 'application/json';
  }
  const response = await fetch(request.url, { method: request.method ?? 'GET', headers, body });
  const text = await response.text();
  let parsed = text;
  if ((response.headers.get('content-type') ?? '').includes('json') && text !== '') {
    parsed = JSON.parse(text);
  }
  return { status: response.status, body: parsed };
}

async function run(client, call) {
  if (call.methods !== undefined) {
    const resource = client[call.methods];
    if (!(resource instanceof APIResource)) {
      throw new Error(`the SDK has no resource ${call.methods}`);
    }
    return methods(resource, call.methods);
  }
  if (call.fetch !== undefined) {
    return await fetchPlain(call.fetch);
  }
  const method = lookup(client, call.method);
  const answer = method(...(call.args ?? []));
  if (call.iterate) {
    const items = [];
    for await (const item of answer) {
      items.push(item);
    }
    return items;
  }
  if (call.pages) {
    const pages = [];
    for await (const page of (await answer).iterPages()) {
      pages.push(plain(page));
    }
    return pages;
  }
  if (call.response) {
    const { data, response } = await answer.withResponse();
    return {
      status: response.status,
      headers: Object.fromEntries(response.headers.entries()),
      data: plain(data),
    };
  }
  return await answer;
}

async function answer(program) {
  const client = new Cloudflare(program.client);
  const results = [];
  for (const call of program.calls) {
    try {
      const result = await run(client, call);
      results.push({ ok: true, result: result === undefined ? null : result });
    } catch (error) {
      results.push({ ok: false, error: describe(error) });
    }
  }
  return results;
}

async function session() {
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() !== '') {
      process.stdout.write(`${JSON.stringify(await answer(JSON.parse(line)))}\n`);
    }
  }
}

async function main() {
  if (process.argv.includes('--session')) {
    await session();
    return;
  }
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  const program = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  process.stdout.write(JSON.stringify(await answer(program)));
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(2);
});
