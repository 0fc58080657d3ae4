import type { TrackingLinkSender } from '../api/reports/report-intake.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import { maskPhone } from '../shared/mask-phone.ts';
import { AliyunSmsChannel } from './channels/aliyun-sms.ts';
import type { NotifierConfig } from './config.ts';
import type { PublicUrl } from './public-url.ts';

/**
 * A resident's tracking link by SMS (issue 16), through the notifier's Aliyun channel and a
 * template of its own (variable `${link}`): the ticket template's 35-character text could not
 * carry a link. The link is the resident's secret, so it is never logged; the phone is logged
 * masked. One attempt: the link was already shown on the page, the SMS is a copy.
 */
export class SmsTrackingLinks implements TrackingLinkSender {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly sms: AliyunSmsChannel,
    private readonly templateCode: string,
    /** Where residents reach the site, e.g. https://wuye.example.cn (OC_PUBLIC_URL). */
    private readonly publicUrl: PublicUrl,
    private readonly logger: Logger,
  ) {}

  sendTrackingLink(phone: string, trackingPath: string): Promise<void> {
    const sending = this.send(phone, trackingPath);
    this.inFlight.add(sending);
    return sending.finally(() => this.inFlight.delete(sending));
  }

  private async send(phone: string, trackingPath: string): Promise<void> {
    await this.publicUrl.ready();
    const result = await this.sms.sendTemplate(phone, this.templateCode, { link: `${this.publicUrl.get()}${trackingPath}` });
    if (result.ok) this.logger.info({ phone: maskPhone(phone) }, 'tracking link sent by SMS');
    else this.logger.warn({ phone: maskPhone(phone), reason: result.reason }, 'tracking link SMS not sent; the resident has the link from the page');
  }

  /** Waits for the texts already under way (each has the channel's timeout). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }
}

/**
 * The tracking-link sender the notifier's settings describe: its SMS channel with a tracking
 * template, or none (no SMS channel, or no template). The notifier builds it; so does the
 * alerting process of a split deployment, whose API takes the reports.
 */
export function trackingLinkSender(config: Pick<NotifierConfig, 'channels' | 'publicUrl' | 'retry'>, clock: Clock, logger: Logger, sms?: AliyunSmsChannel): SmsTrackingLinks | undefined {
  const settings = config.channels.sms;
  if (!settings?.trackingTemplateCode) return undefined;
  return new SmsTrackingLinks(sms ?? new AliyunSmsChannel(settings, clock, config.retry.timeoutMs), settings.trackingTemplateCode, config.publicUrl, logger);
}
