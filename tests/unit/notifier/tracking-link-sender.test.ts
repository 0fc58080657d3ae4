import { describe, expect, it } from 'vitest';
import { channelsFileSchema } from '../../../services/notifier/channels-file.ts';
import { PublicUrl } from '../../../services/notifier/public-url.ts';
import { DEFAULT_RETRY } from '../../../services/notifier/retry-policy.ts';
import { SmsTrackingLinks, trackingLinkSender } from '../../../services/notifier/tracking-link-sms.ts';
import { ManualClock } from '../../../services/shared/clock.ts';
import { silentLogger } from '../../../services/shared/logger.ts';

const sms = { provider: 'aliyun', accessKeyId: 'LTAItest', accessKeySecret: 's3cret', signName: '甸柳八区物业', templateCode: 'SMS_0001' };
const settings = (channels: object) => ({ channels: channelsFileSchema.parse(channels), publicUrl: PublicUrl.fixed('https://wuye.example.cn'), retry: DEFAULT_RETRY });

describe("a resident's tracking link by SMS", () => {
  it('is off without an SMS channel, and off with one that has no tracking template', () => {
    expect(trackingLinkSender(settings({}), new ManualClock(0), silentLogger())).toBeUndefined();
    expect(trackingLinkSender(settings({ sms }), new ManualClock(0), silentLogger())).toBeUndefined();
  });

  it('is on with a tracking template', () => {
    expect(trackingLinkSender(settings({ sms: { ...sms, trackingTemplateCode: 'SMS_TRACK' } }), new ManualClock(0), silentLogger())).toBeInstanceOf(SmsTrackingLinks);
  });

  it('refuses an empty tracking template in the channels file', () => {
    expect(channelsFileSchema.safeParse({ sms: { ...sms, trackingTemplateCode: '' } }).success).toBe(false);
  });
});
