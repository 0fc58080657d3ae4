/** Every sentence the public pages say, in both languages; Chinese is the default. */
export type Lang = 'zh' | 'en';

export const langOf = (q: unknown): Lang => (q === 'en' ? 'en' : 'zh');

export const TEXT = {
  title: { zh: '报修 / 投诉', en: 'Report a problem' },
  at: { zh: '地点', en: 'Place' },
  category: { zh: '问题类别', en: 'What is wrong' },
  description: { zh: '简单描述', en: 'A few words' },
  photos: { zh: '照片（最多 3 张，JPEG/PNG/WebP，每张不超过 5 MB）', en: 'Photos (up to 3; JPEG, PNG or WebP; 5 MB each)' },
  phone: { zh: '回访电话（可不填）', en: 'Callback phone (optional)' },
  privacy: {
    zh: '电话和照片只给物业值班人员看，工单关闭 {days} 天后删除。',
    en: 'Only the property desk sees your phone and photos; they are deleted {days} days after the ticket closes.',
  },
  send: { zh: '提交', en: 'Send' },
  otherLang: { zh: 'English', en: '中文' },
  unknownPlace: { zh: '没有这个地点：{id}。请检查二维码或联系物业。', en: 'There is no place {id}. Check the QR code or call the property desk.' },
  sent: { zh: '已收到，谢谢！', en: 'Received, thank you!' },
  merged: { zh: '这里已有同类问题的工单，您的报告已并入。', en: 'A ticket for this problem here was already open; your report joined it.' },
  keepLink: { zh: '请保存此链接查看进度（只显示这一次）：', en: 'Keep this link to follow your report (shown only this once):' },
  trackTitle: { zh: '报修进度', en: 'Your report' },
  reports: { zh: '共 {n} 份报告', en: '{n} reports' },
  yourWords: { zh: '您的描述', en: 'What you wrote' },
  rateTitle: { zh: '请为处理结果打分（1–5）', en: 'Rate the fix (1–5)' },
  comment: { zh: '意见（可不填）', en: 'Comment (optional)' },
  rate: { zh: '提交评分', en: 'Send rating' },
  rated: { zh: '您的评分：{n}/5，谢谢。', en: 'Your rating: {n}/5, thank you.' },
  reopened: { zh: '评分较低，工单已重新打开，物业会再次处理。', en: 'Low rating: the ticket is reopened and the desk will look again.' },
  noTracking: { zh: '找不到这个进度链接。', en: 'This tracking link does not exist.' },
  // What exactly is wrong, where one code covers several mistakes (OC_REPORT_INVALID).
  badPhone: { zh: '回访电话格式不对（只能有数字、空格、+ - ( )，3–20 位）。', en: 'The callback phone is not a phone number (digits, spaces, + - ( ), 3–20 characters).' },
  tooLong: { zh: '描述太长，最多 2000 字。', en: 'Too long: at most 2000 characters.' },
  badStars: { zh: '请选择 1 到 5 星，意见最多 2000 字。', en: 'Choose 1 to 5 stars; a comment of at most 2000 characters.' },
  notAForm: { zh: '无法读取提交的内容，请用本页的表单提交。', en: 'This could not be read as the page’s form; send it from the page.' },
  // Errors by code, in the reader's language.
  OC_REPORT_UNKNOWN_PLACE: { zh: '没有这个地点。', en: 'There is no such place.' },
  OC_REPORT_INVALID: { zh: '请选择问题类别并写几个字。', en: 'Choose what is wrong and write a few words.' },
  OC_REPORT_PHOTO_INVALID: { zh: '照片必须是 JPEG、PNG 或 WebP 图片。', en: 'Photos must be JPEG, PNG or WebP images.' },
  OC_REPORT_PHOTO_TOO_LARGE: { zh: '照片太大或太多（最多 3 张，每张 5 MB）。', en: 'Photos too large or too many (at most 3, 5 MB each).' },
  OC_REPORT_RATE_LIMITED: { zh: '提交太频繁，请稍后再试。', en: 'Too many reports; please try again later.' },
  OC_REPORT_TRACKING_NOT_FOUND: { zh: '找不到这个进度链接。', en: 'This tracking link does not exist.' },
  OC_REPORT_NOT_RATEABLE: { zh: '工单尚未处理完，或已经评过分。', en: 'The ticket is not resolved yet, or was already rated.' },
  OC_API_INTERNAL: { zh: '系统出错，请稍后再试或致电物业。', en: 'Something went wrong; try again later or call the desk.' },
} as const;

/** The ticket's state as a resident understands it. */
export const STATE_WORDS: Record<string, { zh: string; en: string }> = {
  open: { zh: '已收到，等待物业处理', en: 'Received; waiting for the desk' },
  acknowledged: { zh: '物业已查看', en: 'The desk has seen it' },
  dispatched: { zh: '已派人处理', en: 'Someone has been sent' },
  on_site: { zh: '工作人员已到现场', en: 'Staff are on site' },
  resolved: { zh: '已处理完毕', en: 'Fixed' },
  closed: { zh: '已结束', en: 'Closed' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
};

export const say = (key: keyof typeof TEXT, lang: Lang, vars: Record<string, string | number> = {}): string =>
  TEXT[key][lang].replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
