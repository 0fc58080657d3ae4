import type { Clock } from '../../../shared/clock.ts';
import type { RobotConfig } from '../../channels-file.ts';
import type { Delivery } from '../../delivery.ts';
import { postWithTimeout } from '../http-post.ts';
import type { Channel, SendResult } from '../port.ts';
import { DINGTALK_CODES, dingtalkSignedUrl } from './dingtalk.ts';
import { FEISHU_CODES, feishuSign } from './feishu.ts';
import { cutToBytes, fitting, markdownFor, robotTitle } from './robot-markdown.ts';
import { robotResult } from './robot-answer.ts';

/** WeCom: 45009 is "api freq out of limit"; 93000 an invalid key, 40008 a bad message type. */
const WECOM_CODES = { codeField: 'errcode', rateLimited: [45009], refused: [93000, 40008, 40058, 44004] };
const MINUTE = 60_000;

interface RobotSpec {
  kind: RobotConfig['kind'];
  /** The robot's documented limit of messages per minute (Feishu: 100/min, 5/s; kept to 5 per 1.2 s … simplified to 50/min). */
  perMinute: number;
  maxBytes: number;
  request(robot: RobotConfig, list: readonly Delivery[], now: number): { url: string; body: unknown };
  codes: typeof WECOM_CODES;
}

const SPECS: Record<RobotConfig['kind'], RobotSpec> = {
  dingtalk: {
    kind: 'dingtalk',
    perMinute: 20,
    maxBytes: 18_000,
    request: (r, list, now) => ({
      url: dingtalkSignedUrl(r.url, r.secret ?? '', now),
      body: { msgtype: 'markdown', markdown: { title: list.length === 1 ? robotTitle(list[0]!) : `汇总 ${list.length}`, text: cutToBytes(markdownFor(list), 18_000) } },
    }),
    codes: DINGTALK_CODES,
  },
  wecom: {
    kind: 'wecom',
    perMinute: 20,
    // The documented limit of a markdown message's content.
    maxBytes: 4096,
    request: (r, list) => ({ url: r.url, body: { msgtype: 'markdown', markdown: { content: cutToBytes(markdownFor(list), 4096) } } }),
    codes: WECOM_CODES,
  },
  feishu: {
    kind: 'feishu',
    perMinute: 50,
    maxBytes: 20_000,
    request: (r, list, now) => {
      const ts = Math.floor(now / 1000);
      const card = { header: { title: { tag: 'plain_text', content: list.length === 1 ? robotTitle(list[0]!) : `汇总 Summary ${list.length}` } }, elements: [{ tag: 'markdown', content: cutToBytes(markdownFor(list), 20_000) }] };
      return { url: r.url, body: { ...(r.secret ? { timestamp: String(ts), sign: feishuSign(r.secret, ts) } : {}), msg_type: 'interactive', card } };
    },
    codes: FEISHU_CODES,
  },
};

/** One group-robot channel per robot kind in use, each holding the robots of its kind by id. */
class RobotChannel implements Channel {
  readonly mergeLimit = 50;
  readonly rateLimit: { messages: number; perMs: number };
  private readonly robots: Map<string, RobotConfig>;

  constructor(private readonly spec: RobotSpec, robots: readonly RobotConfig[], private readonly clock: Clock, private readonly timeoutMs: number) {
    this.robots = new Map(robots.map((r) => [r.id, r]));
    this.rateLimit = { messages: spec.perMinute, perMs: MINUTE };
  }

  get kind(): RobotConfig['kind'] {
    return this.spec.kind;
  }

  fit(list: readonly Delivery[]): number {
    return fitting(list.slice(0, this.mergeLimit), this.spec.maxBytes);
  }

  async send(target: string, list: readonly Delivery[]): Promise<SendResult> {
    const robot = this.robots.get(target);
    if (!robot) return { ok: false, retryable: false, reason: `${this.spec.kind} robot ${target} is no longer configured` };
    const now = this.clock.now();
    const { url, body } = this.spec.request(robot, list, now);
    const answer = await postWithTimeout(url, JSON.stringify(body), { 'content-type': 'application/json; charset=utf-8' }, this.timeoutMs);
    return robotResult(answer, this.spec.codes, now, `${this.spec.kind} robot ${target}`);
  }
}

export function robotChannels(robots: readonly RobotConfig[], clock: Clock, timeoutMs: number): Channel[] {
  const kinds = [...new Set(robots.map((r) => r.kind))];
  return kinds.map((k) => new RobotChannel(SPECS[k], robots.filter((r) => r.kind === k), clock, timeoutMs));
}
