/**
 * The InfluxDB adapter against a real influxd: the shared behaviour suite (each test in a
 * bucket of its own), and what only InfluxDB can do: refuse points for a type the bucket
 * fixed earlier or for its retention, refuse a token, be down, and receive gzip. Runs,
 * skips or fails like the Kafka suites (tests/support/influx-env.ts).
 */
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isOcError } from '../../services/shared/errors.ts';
import { silentLogger } from '../../services/shared/logger.ts';
import { InfluxTimeSeries, type InfluxTimeSeriesOptions } from '../../services/timeseries/influx/influx-time-series.ts';
import { createBucket, deleteBucket, influxSetup, writeLines } from '../support/influx-env.ts';
import { BASE, describeTimeSeriesBehaviour, levelPoint } from '../support/time-series-behaviour.ts';

const setup = influxSetup();

if (setup.state === 'broken') {
  describe('InfluxTimeSeries', () => {
    it('has an InfluxDB server to test against', () => {
      throw new Error(setup.reason);
    });
  });
}

const ready = setup.state === 'ready';
const server = setup.state === 'ready' ? setup.server : { url: '', token: '', org: '', bucket: '' };
const connect = (bucket: string, extra: Partial<InfluxTimeSeriesOptions> = {}) =>
  new InfluxTimeSeries({ url: server.url, token: server.token, org: server.org, bucket, logger: silentLogger(), ...extra });

if (ready) {
  describeTimeSeriesBehaviour('InfluxTimeSeries', async () => {
    const bucket = await createBucket(server);
    const opened: InfluxTimeSeries[] = [];
    const open = async () => {
      const store = connect(bucket.name);
      opened.push(store);
      return store;
    };
    return {
      store: await open(),
      // InfluxDB keeps the data: a new client on the same bucket is what a restarted process sees.
      reopen: open,
      cleanup: async () => {
        await Promise.all(opened.map((s) => s.close()));
        await deleteBucket(server, bucket.id);
      },
    };
  });
}

describe.skipIf(!ready)('InfluxTimeSeries specifics', () => {
  const buckets: string[] = [];
  const stores: InfluxTimeSeries[] = [];
  const open = (bucket: string, extra: Partial<InfluxTimeSeriesOptions> = {}) => {
    const store = connect(bucket, extra);
    stores.push(store);
    return store;
  };
  const freshBucket = async (retentionSeconds = 0) => {
    const b = await createBucket(server, retentionSeconds);
    buckets.push(b.id);
    return b.name;
  };
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: unknown) => e,
    );

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await Promise.all(buckets.splice(0).map((id) => deleteBucket(server, id)));
  });

  it('refuses a point whose field type the bucket fixed otherwise, with InfluxDB\'s reason, as OC_TIMESERIES_REJECTED', async () => {
    const bucket = await freshBucket();
    await writeLines(server, bucket, `drain_level,community=c,compound=k,place=p,device=dl8-drain-x,kind=drain level_mm="high" ${BASE}`);
    const err = await failure(open(bucket).write([levelPoint('dl8-drain-x', BASE + 1_000, 120, 1)]));
    expect(isOcError(err, 'OC_TIMESERIES_REJECTED')).toBe(true);
    expect((err as Error).message).toMatch(/field type conflict/);
  });

  it('refuses a point older than the bucket keeps as OC_TIMESERIES_REJECTED', async () => {
    const bucket = await freshBucket(3_600);
    const err = await failure(open(bucket).write([levelPoint('dl8-drain-x', Date.now() - 3 * 3_600_000, 120, 1)]));
    expect(isOcError(err, 'OC_TIMESERIES_REJECTED')).toBe(true);
    expect((err as Error).message).toMatch(/retention/);
  });

  it('calls a server that is not there, a wrong token and a missing bucket OC_TIMESERIES_UNAVAILABLE (the points stay good)', async () => {
    const bucket = await freshBucket();
    const points = [levelPoint('dl8-drain-x', BASE, 120, 1)];
    const nobody = await new Promise<Server>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => resolve(s));
    });
    const deadUrl = `http://127.0.0.1:${(nobody.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => nobody.close(() => resolve()));

    for (const store of [open(bucket, { url: deadUrl }), open(bucket, { token: 'not-the-token' }), open('no-such-bucket')]) {
      const err = await failure(store.write(points));
      expect(isOcError(err, 'OC_TIMESERIES_UNAVAILABLE'), String(err)).toBe(true);
    }
  });

  it('gzips write bodies over the threshold and sends small ones plain', async () => {
    const bucket = await freshBucket();
    const seen: IncomingHttpHeaders[] = [];
    // A pass-through proxy in front of influxd that notes each write's headers.
    const target = new URL(server.url);
    const proxy = createServer((req, res) => {
      if (req.url?.startsWith('/api/v2/write')) seen.push(req.headers);
      const upstream = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve()));
    try {
      const store = open(bucket, { url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, gzipThresholdBytes: 1_000 });
      const many = Array.from({ length: 50 }, (_, i) => levelPoint('dl8-drain-x', BASE + i * 1_000, i, i));
      await store.write(many.slice(0, 1));
      await store.write(many);

      expect(seen.map((h) => h['content-encoding'] ?? 'plain')).toEqual(['plain', 'gzip']);
      expect(await store.readPoints({ measurement: 'drain_level', range: { start: BASE, stop: BASE + 3_600_000 } })).toEqual(many);
    } finally {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });
});
