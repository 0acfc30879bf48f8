// graphql-ws (the reference graphql-transport-ws client) against a live server.
// Usage: node ws-scenarios.mjs http://127.0.0.1:PORT/graphql <access token of a nationwide 112 duty officer>
// Prints one JSON line per scenario and "N passed, N failed"; exits 1 on any failure.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const httpUrl = process.argv[2];
const token = process.argv[3];
if (!httpUrl || !token) {
  console.error('usage: node ws-scenarios.mjs <graphql url> <access token>');
  process.exit(2);
}
const wsUrl = httpUrl.replace(/^http/, 'ws');
const DEADLINE_MS = 15000;

// The access token travels in connection_init, as browsers cannot set headers on a WebSocket.
const client = (options = {}) =>
  createClient({
    url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true,
    connectionParams: { authorization: `Bearer ${token}` }, ...options,
  });

async function post(query, variables) {
  const response = await fetch(httpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(`HTTP ${response.status}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

const declare = (territory, regime, basis) =>
  post(
    'mutation ($t: String!, $r: Regime!, $b: String!) { declareRegime(territory: $t, regime: $r, basis: $b) { id regime } }',
    { t: territory, r: regime, b: basis },
  );

/** Runs one operation to completion and returns every payload, or rejects with the error the client reports. */
function collect(c, payload, { until = () => false, onStart = () => {} } = {}) {
  return new Promise((resolve, reject) => {
    const results = [];
    const timer = setTimeout(() => { stop(); reject(new Error(`timed out with ${results.length} results`)); }, DEADLINE_MS);
    const stop = c.subscribe(payload, {
      next: (value) => {
        results.push(value);
        if (until(results)) { clearTimeout(timer); stop(); resolve(results); }
      },
      error: (error) => { clearTimeout(timer); reject(error); },
      complete: () => { clearTimeout(timer); resolve(results); },
    });
    onStart();
  });
}

/**
 * Fires `trigger` every 250 ms until `until` holds: there is no acknowledgement of a subscription starting, and
 * events of other clients' changes may arrive first.
 */
async function subscribeAndTrigger(c, payload, trigger, until) {
  let done = false;
  let timer;
  const pending = collect(c, payload, {
    until: (results) => { done = until(results); return done; },
    onStart: () => {
      const fire = async () => { if (!done) { await trigger(); timer = setTimeout(fire, 250); } };
      timer = setTimeout(fire, 50);
    },
  });
  try { return await pending; } finally { clearTimeout(timer); }
}

const scenarios = {
  async 'query over the socket'() {
    const c = client();
    try {
      const [result] = await collect(c, { query: '{ territory(kato: "750000000") { nameEn } }' });
      if (result.data?.territory?.nameEn !== 'Almaty') throw new Error(JSON.stringify(result));
    } finally { await c.dispose(); }
  },

  async 'mutation over the socket'() {
    const c = client();
    try {
      const [result] = await collect(c, {
        query: 'mutation { declareRegime(territory: "190000000", regime: HIGH_READINESS, basis: "graphql-ws scenario") { regime territoryKato } }',
      });
      if (result.data?.declareRegime?.regime !== 'HIGH_READINESS') throw new Error(JSON.stringify(result));
    } finally { await c.dispose(); }
  },

  async 'subscribe, receive, complete'() {
    const c = client();
    try {
      const results = await subscribeAndTrigger(
        c,
        { query: 'subscription { events(kinds: ["REGIME_DECLARED"]) { id kind entityId territoryKato payload geometry } }' },
        () => declare('750000000', 'EMERGENCY', 'subscription scenario'),
        // A change committed just before the subscription started may arrive first; look for ours.
        (r) => r.some((x) => x.data.events.entityId === '750000000'),
      );
      const event = results.find((x) => x.data.events.entityId === '750000000').data.events;
      if (event.kind !== 'REGIME_DECLARED' || event.entityId !== '750000000' || event.payload.regime !== 'EMERGENCY'
          || !['Polygon', 'MultiPolygon'].includes(event.geometry.type)) {
        throw new Error(JSON.stringify(event));
      }
    } finally { await c.dispose(); }
  },

  async 'reconnect and resume after the last id, no gap, no duplicate'() {
    const first = client();
    let lastSeen;
    try {
      const results = await subscribeAndTrigger(
        first,
        { query: 'subscription { events(kinds: ["REGIME_DECLARED"]) { id entityId } }' },
        () => declare('710000000', 'HIGH_READINESS', 'before disconnect'),
        (r) => r.some((x) => x.data.events.entityId === '710000000'),
      );
      lastSeen = results.at(-1).data.events.id;
    } finally { await first.dispose(); }

    // While no client is connected: two changes.
    await declare('310000000', 'HIGH_READINESS', 'while disconnected 1');
    await declare('330000000', 'EMERGENCY', 'while disconnected 2');

    const second = client();
    try {
      const missed = await collect(
        second,
        { query: 'subscription ($after: ID) { events(kinds: ["REGIME_DECLARED"], after: $after) { id entityId } }', variables: { after: lastSeen } },
        { until: (r) => r.some((x) => x.data.events.entityId === '330000000') },
      );
      const ids = missed.map((r) => BigInt(r.data.events.id));
      const entities = missed.map((r) => r.data.events.entityId);
      const ordered = ids.every((id, i) => i === 0 || id > ids[i - 1]);
      const afterLast = ids.every((id) => id > BigInt(lastSeen));
      const tail = entities.slice(-2).join(',');
      if (!ordered || !afterLast || tail !== '310000000,330000000' || new Set(ids).size !== ids.length) {
        throw new Error(`after ${lastSeen}: ${JSON.stringify(missed.map((r) => r.data.events))}`);
      }
    } finally { await second.dispose(); }
  },

  async 'validation errors arrive as an error message with codes'() {
    const c = client();
    try {
      await collect(c, { query: 'subscription { events { nope } }' });
      throw new Error('expected an error');
    } catch (error) {
      const errors = Array.isArray(error) ? error : [];
      if (errors[0]?.extensions?.code !== 'GRAPHQL_VALIDATION_FAILED') throw new Error(`got ${JSON.stringify(error)}`);
    } finally { await c.dispose(); }
  },

  async 'a connection without a token is closed with 4403'() {
    const c = client({ connectionParams: {} });
    try {
      await collect(c, { query: '{ __typename }' });
      throw new Error('expected the socket to close');
    } catch (error) {
      if (error?.code !== 4403) throw new Error(`got ${error?.code} ${error?.reason ?? error?.message}`);
    } finally { await c.dispose(); }
  },

  async 'a forged token is closed with 4403'() {
    const c = client({ connectionParams: { authorization: `Bearer ${token.slice(0, -4)}AAAA` } });
    try {
      await collect(c, { query: '{ __typename }' });
      throw new Error('expected the socket to close');
    } catch (error) {
      if (error?.code !== 4403) throw new Error(`got ${error?.code} ${error?.reason ?? error?.message}`);
    } finally { await c.dispose(); }
  },
};

let passed = 0;
let failed = 0;
for (const [name, run] of Object.entries(scenarios)) {
  try {
    await run();
    passed++;
    console.log(JSON.stringify({ scenario: name, ok: true }));
  } catch (error) {
    failed++;
    console.log(JSON.stringify({ scenario: name, ok: false, error: String(error?.message ?? JSON.stringify(error)) }));
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
