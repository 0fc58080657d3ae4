import { describe, expect, it } from 'vitest';
import { en } from '../../../services/web/src/i18n/en.ts';
import { detectLang, formatDuration, translate } from '../../../services/web/src/i18n/messages.ts';
import { zh } from '../../../services/web/src/i18n/zh.ts';

describe('language', () => {
  it('follows the browser unless the user chose, and falls back to Chinese', () => {
    expect(detectLang(null, ['zh-CN', 'en'])).toBe('zh');
    expect(detectLang(null, ['en-GB', 'zh-CN'])).toBe('en');
    expect(detectLang(null, ['de-DE', 'zh-TW'])).toBe('zh');
    expect(detectLang(null, ['fr'])).toBe('zh');
    expect(detectLang('en', ['zh-CN'])).toBe('en');
    expect(detectLang('klingon', ['en-US'])).toBe('en');
  });

  it('has every text in both languages, and fills placeholders', () => {
    const missing = Object.keys(en).filter((k) => !zh[k as keyof typeof en]?.trim());
    expect(missing).toEqual([]);
    // The same placeholders on both sides, or a sentence would lose its number.
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const differing = Object.keys(en).filter((k) => names(en[k as keyof typeof en]).join() !== names(zh[k as keyof typeof en]).join());
    expect(differing).toEqual([]);
    expect(translate('en', 'board.count', { n: 3 })).toBe('3 shown');
    expect(translate('zh', 'err.OC_TICKET_ILLEGAL_TRANSITION', { state: '已关闭' })).toBe('当前无法执行：工单状态为“已关闭”。');
    expect(translate('en', 'board.count')).toBe('{n} shown');
  });

  it('says durations the way people do', () => {
    expect(formatDuration(45_000, 'en')).toBe('45 s');
    expect(formatDuration(12 * 60_000, 'zh')).toBe('12分钟');
    expect(formatDuration(125 * 60_000, 'en')).toBe('2 h 05 min');
    expect(formatDuration(125 * 60_000, 'zh')).toBe('2小时05分');
  });
});
