import { HttpError } from '@influxdata/influxdb-client';
import { describe, expect, it } from 'vitest';
import { queryError, writeError } from '../../../services/timeseries/influx/influx-errors.ts';
import { nanosecondStamp, parseFluxTime, pointFromRow, toLinePoint } from '../../../services/timeseries/influx/line-points.ts';

describe('InfluxDB line protocol and Flux rows', () => {
  it('writes each field with its schema type and the time in nanoseconds', () => {
    const line = toLinePoint({
      measurement: 'device_heartbeat',
      tags: { community: 'dianliu-8', compound: 'dl8', building: '1号楼 b', place: 'b1-u1', device: 'dl8-b1-u1-door', kind: 'door' },
      fields: { seq: 12, event_id: 'e "12"', uptime_s: 3600, pending: 0 },
      timeMs: 1_780_000_000_123,
      nanos: 45,
    }).toLineProtocol();
    expect(line).toBe('device_heartbeat,building=1号楼\\ b,community=dianliu-8,compound=dl8,device=dl8-b1-u1-door,kind=door,place=b1-u1 event_id="e \\"12\\"",pending=0i,seq=12i,uptime_s=3600i 1780000000123000045');
    expect(nanosecondStamp({ timeMs: 5, nanos: 999_999 })).toBe('5999999');
  });

  it('reads Flux times back to milliseconds and the nanoseconds within, whatever digits Flux prints', () => {
    expect(parseFluxTime('2026-06-01T08:00:00Z')).toEqual({ timeMs: Date.UTC(2026, 5, 1, 8), nanos: 0 });
    expect(parseFluxTime('2026-06-01T08:00:00.1Z')).toEqual({ timeMs: Date.UTC(2026, 5, 1, 8) + 100, nanos: 0 });
    expect(parseFluxTime('2026-06-01T08:00:00.123000045Z')).toEqual({ timeMs: Date.UTC(2026, 5, 1, 8) + 123, nanos: 45 });
    expect(() => parseFluxTime('2026-06-01 08:00:00')).toThrow(RangeError);
  });

  it('turns a pivoted row into a point, leaving out null fields and the columns Flux adds', () => {
    const row = { result: '_result', table: 0, _start: 'x', _stop: 'y', _time: '2026-06-01T08:00:00.000000007Z', _measurement: 'drain_level', device: 'd', kind: 'drain', community: 'c', compound: 'k', place: 'p', level_mm: 12.5, overflow: null, seq: 7, event_id: 'e7' };
    expect(pointFromRow(row)).toEqual({ measurement: 'drain_level', tags: { community: 'c', compound: 'k', place: 'p', device: 'd', kind: 'drain' }, fields: { seq: 7, event_id: 'e7', level_mm: 12.5 }, timeMs: Date.UTC(2026, 5, 1, 8), nanos: 7 });
  });

  it('calls refused points REJECTED and everything else UNAVAILABLE, so only the former are split and dead-lettered', () => {
    const http = (status: number) => new HttpError(status, 'x', JSON.stringify({ code: 'c', message: `status ${status}` }), undefined, 'application/json');
    expect([400, 413, 422].map((s) => writeError(http(s), 'write').code)).toEqual(['OC_TIMESERIES_REJECTED', 'OC_TIMESERIES_REJECTED', 'OC_TIMESERIES_REJECTED']);
    expect([401, 403, 404, 429, 500, 503].map((s) => writeError(http(s), 'write').code)).toEqual(Array(6).fill('OC_TIMESERIES_UNAVAILABLE'));
    expect(writeError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'write').code).toBe('OC_TIMESERIES_UNAVAILABLE');
    expect(writeError(http(422), 'write of 3 points').message).toContain('write of 3 points: HTTP 422 status 422');
    expect(queryError(http(400), 'drain level').code).toBe('OC_TIMESERIES_QUERY_INVALID');
    expect(queryError(http(503), 'drain level').code).toBe('OC_TIMESERIES_UNAVAILABLE');
  });
});
