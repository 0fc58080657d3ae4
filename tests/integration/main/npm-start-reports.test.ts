/**
 * Issue 16 wired as `npm start` wires it: OC_REPORT_RETENTION_DAYS reaches the resident's page
 * (the line before sending says how long the phone is kept), and a resident's callback phone
 * gets the tracking link by SMS through the notifier's Aliyun channel (a loopback receiver)
 * when the channels file has a tracking template. Neither the phone nor the link is printed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { LoopbackReceiver } from '../../support/loopback-receiver.ts';
import { REPO_ROOT } from '../../support/mosquitto-env.ts';
import { multipartBody } from '../../support/multipart-body.ts';
import { pollUntil } from '../../support/poll-until.ts';

let child: ChildProcess | undefined;
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await cleanup?.();
});

it('keeps reports 30 days with OC_REPORT_RETENTION_DAYS=30 and texts the tracking link through the SMS channel', { timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oc-npm-start-reports-'));
  const aliyun = await LoopbackReceiver.start();
  aliyun.respond = () => ({ status: 200, body: JSON.stringify({ Code: 'OK', Message: 'OK', BizId: '1', RequestId: 'r' }) });
  cleanup = async () => {
    await aliyun.close();
    rmSync(dir, { recursive: true, force: true });
  };
  const channels = join(dir, 'channels.yaml');
  writeFileSync(channels, `sms: { provider: aliyun, endpoint: "${aliyun.url}/", accessKeyId: LTAItest, accessKeySecret: s3cret, signName: 甸柳八区物业, templateCode: SMS_0001, trackingTemplateCode: SMS_TRACK }\n`);
  child = spawn(process.execPath, ['--import', 'tsx', 'services/main.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      OC_DATA_DIR: join(dir, 'data'),
      OC_MQTT_PORT: '0',
      OC_HTTP_PORT: '0',
      OC_LOG_FORMAT: 'json',
      OC_LOG_LEVEL: 'info',
      OC_SIMULATE: 'false',
      OC_REPORT_RETENTION_DAYS: '30',
      OC_NOTIFY_CHANNELS_FILE: channels,
      OC_PUBLIC_URL: 'https://wuye.example.cn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => void (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => void (out += c.toString()));
  await pollUntil('the start-up summary', () => out.includes('Ctrl-C stops everything cleanly'), { timeoutMs: 120_000 });
  const base = /duty desk\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(out)![1]!;

  const page = await (await fetch(`${base}/report/b1-u1`)).text();
  expect(page).toContain('工单关闭 30 天后删除');
  const { payload, headers } = multipartBody({ category: 'lighting', description: '楼道灯不亮', phone: '13800008888' });
  const sent = await fetch(`${base}/report/b1-u1`, { method: 'POST', headers: { ...headers, origin: base }, body: new Uint8Array(payload) });
  const html = await sent.text();
  expect(sent.status, html).toBe(201);
  const path = /data-testid="tracking-link" href="([^"?]+)/.exec(html)![1]!;
  const sms = await pollUntil('the tracking SMS at Aliyun', () => aliyun.requests.find((r) => new URLSearchParams(r.body).get('TemplateCode') === 'SMS_TRACK'), { timeoutMs: 30_000 });
  const params = new URLSearchParams(sms.body);
  expect(params.get('PhoneNumbers')).toBe('13800008888');
  expect(JSON.parse(params.get('TemplateParam')!)).toEqual({ link: `https://wuye.example.cn${path}` });

  const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  expect(await exited).toBe(0);
  expect(out).not.toContain('13800008888');
  expect(out).not.toContain(path.slice('/track/'.length));
});
