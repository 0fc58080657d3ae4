// Readiness and onboarding for the influxd that infra/influxdb/start.sh runs, over the
// server's HTTP API only (no client library, no dependencies):
//   1. wait until GET /health says "pass" (or the server process exits, or time is up);
//   2. a new server (GET /api/v2/setup says allowed): POST /api/v2/setup creates the user,
//      the org, the bucket and the admin token we choose, so tests can use a fixed token;
//   3. always: check the token reads the org and the bucket, creating the bucket (and org)
//      if the data was set up earlier under other names.
// Exit 0 when ready, 1 when not (reason on stderr).
//
//   node infra/influxdb/setup.mjs <url> [timeout seconds] [server pid]
//
// Environment: OC_INFLUX_ORG, OC_INFLUX_BUCKET, OC_INFLUX_TOKEN, OC_INFLUX_USERNAME,
// OC_INFLUX_PASSWORD (start.sh passes them with its defaults).

// Node 20's fetch; taken from globalThis because the infra scripts' lint globals list
// only the basics.
const { fetch, AbortSignal } = globalThis;

const url = (process.argv[2] ?? 'http://127.0.0.1:18086').replace(/\/$/, '');
const timeoutMs = Number(process.argv[3] ?? '60') * 1000;
const serverPid = process.argv[4] ? Number(process.argv[4]) : undefined;
const org = requiredEnv('OC_INFLUX_ORG');
const bucket = requiredEnv('OC_INFLUX_BUCKET');
const token = requiredEnv('OC_INFLUX_TOKEN');
const username = requiredEnv('OC_INFLUX_USERNAME');
const password = requiredEnv('OC_INFLUX_PASSWORD');
const started = Date.now();

function requiredEnv(name) {
  const value = process.env[name];
  if (!value) fail(`${name} is not set`);
  return value;
}

function fail(message) {
  console.error(`influxdb setup: ${message}`);
  process.exit(1);
}

function serverAlive() {
  if (serverPid === undefined) return true;
  try {
    process.kill(serverPid, 0);
    return true;
  } catch {
    return false;
  }
}

/** One HTTP call with a short per-request timeout; returns status and parsed JSON body. */
async function call(method, path, { body, auth = true } = {}) {
  const headers = { Accept: 'application/json' };
  if (auth) headers.Authorization = `Token ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

function expectStatus(what, res, ...ok) {
  if (!ok.includes(res.status)) fail(`${what}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
  return res.json;
}

async function waitHealthy() {
  let last = 'no answer';
  while (Date.now() - started < timeoutMs) {
    if (!serverAlive()) fail(`influxd (pid ${serverPid}) exited during start-up`);
    try {
      const res = await call('GET', '/health', { auth: false });
      if (res.status === 200 && res.json?.status === 'pass') return res.json;
      last = `HTTP ${res.status} ${res.text.slice(0, 200)}`;
    } catch (err) {
      last = err.cause?.code ?? err.message;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  fail(`${url}/health did not pass within ${timeoutMs / 1000}s (last: ${last})`);
}

async function onboardIfNew() {
  const setup = expectStatus('GET /api/v2/setup', await call('GET', '/api/v2/setup', { auth: false }), 200);
  if (!setup?.allowed) return false;
  expectStatus(
    'POST /api/v2/setup',
    await call('POST', '/api/v2/setup', {
      auth: false,
      // retentionPeriodSeconds 0: keep data forever; tests choose their own time ranges.
      body: { username, password, org, bucket, token, retentionPeriodSeconds: 0 },
    }),
    201,
  );
  return true;
}

async function ensureOrgAndBucket() {
  const orgs = await call('GET', `/api/v2/orgs?org=${encodeURIComponent(org)}`);
  if (orgs.status === 401) {
    fail(`the token is not accepted: this data directory was set up with another OC_INFLUX_TOKEN (OC_INFLUX_FRESH=1 starts over)`);
  }
  // 404 when no org has that name.
  let orgId = expectStatus(`GET /api/v2/orgs?org=${org}`, orgs, 200, 404)?.orgs?.[0]?.id;
  if (!orgId) {
    const created = expectStatus('POST /api/v2/orgs', await call('POST', '/api/v2/orgs', { body: { name: org } }), 201);
    orgId = created.id;
    console.log(`influxdb: created org ${org}`);
  }
  const query = `orgID=${encodeURIComponent(orgId)}&name=${encodeURIComponent(bucket)}`;
  const buckets = expectStatus(`GET /api/v2/buckets?${query}`, await call('GET', `/api/v2/buckets?${query}`), 200, 404);
  if (!buckets?.buckets?.length) {
    expectStatus(
      'POST /api/v2/buckets',
      await call('POST', '/api/v2/buckets', { body: { orgID: orgId, name: bucket, retentionRules: [] } }),
      201,
    );
    console.log(`influxdb: created bucket ${bucket} in org ${org}`);
  }
}

const health = await waitHealthy();
const onboarded = await onboardIfNew();
await ensureOrgAndBucket();
console.log(
  `influxdb: ${health.name ?? 'influxdb'} ${health.version ?? ''} ready at ${url} in ${Date.now() - started} ms ` +
    (onboarded ? `(onboarded: user ${username}, org ${org}, bucket ${bucket})` : `(already set up; token checked)`),
);
