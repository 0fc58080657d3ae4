import QRCode from 'qrcode';
import { esc, page } from './html.ts';
import type { ReportPlace } from './places.ts';

/**
 * A printable sheet for one building: one QR code per entrance, each labelled with the
 * place's name in both languages, pointing at the place's short link (/r/<placeId>).
 */
export async function qrSheet(buildingName: { zh: string; en: string }, entrances: readonly ReportPlace[], baseUrl: string): Promise<string> {
  const codes = await Promise.all(
    entrances.map(async (p) => {
      const url = `${baseUrl}/r/${encodeURIComponent(p.id)}`;
      const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      return `<div class="code" data-place="${esc(p.id)}">${svg}<p><strong>${esc(p.name.zh)}</strong><br>${esc(p.name.en)}</p>
<p>扫码报修 · Scan to report</p><p class="note">${esc(url)}</p></div>`;
    }),
  );
  return page('zh', `${buildingName.zh} 报修二维码`, `<h1>${esc(buildingName.zh)} · ${esc(buildingName.en)}：报修二维码 / QR codes</h1><div class="sheet">${codes.join('')}</div>`);
}
