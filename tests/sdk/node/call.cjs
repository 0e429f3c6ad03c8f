// Calls methods of the official Node SDK, as the Python tests ask, and prints what came back.
//
// Reads one JSON document on stdin:
//   {"client": {...options for new Cloudflare()},
//    "calls": [{"method": "registrar.registrations.list", "args": [...], "iterate": false}]}
// and prints one JSON array on stdout, an entry per call, in order:
//   {"ok": true, "result": ...}  or  {"ok": false, "error": {"class", "status", "errors", ...}}
// "iterate": true walks every page of a list (the SDK's auto-pagination) into one array.
'use strict';

const Cloudflare = require('cloudflare');

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

async function run(client, call) {
  const method = lookup(client, call.method);
  const answer = method(...(call.args ?? []));
  if (call.iterate) {
    const items = [];
    for await (const item of answer) {
      items.push(item);
    }
    return items;
  }
  return await answer;
}

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  const program = JSON.parse(Buffer.concat(chunks).toString('utf8'));
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
  process.stdout.write(JSON.stringify(results));
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(2);
});
