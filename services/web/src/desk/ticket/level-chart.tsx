import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { getLevels } from '../../api/endpoints.ts';
import { useI18n } from '../../i18n/context.tsx';
import { ErrorBanner } from '../../ui/error-banner.tsx';
import { chartWindow } from '../../logic/chart-window.ts';
import { useLoad } from '../../ui/hooks.ts';
import { DRAIN_CRITICAL_PCT, DRAIN_WARNING_PCT } from '../drain-levels.tsx';

/** 24-hour clock for the time axis, as the desk reads times everywhere else. */
const clockText = (ms: number) => new Date(ms).toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit', hour12: false });

/**
 * The drain's level before and after the alert, with the alert moment and the thresholds
 * drawn in. `alertAt` is the device time of the reading that opened the ticket
 * (logic/chart-window.ts), the time the level points are stored at.
 */
export function LevelChart({ deviceId, alertAt, now, depthMm }: { deviceId: string; alertAt: number; now: number; depthMm: number | undefined }) {
  const i18n = useI18n();
  const { t } = i18n;
  const box = useRef<HTMLDivElement>(null);
  // Refetch once a minute, not on every second's re-render.
  const minute = Math.floor(now / 60_000);
  const series = useLoad((signal) => {
    const w = chartWindow(alertAt, Date.now());
    return getLevels(deviceId, w.from, w.to, signal);
  }, [deviceId, alertAt, minute]);
  const points = series.data?.points ?? [];
  const depth = series.data?.depthMm ?? depthMm;

  useEffect(() => {
    const el = box.current;
    if (!el || points.length === 0) return;
    const w = chartWindow(alertAt, Date.now());
    const xs = points.map((p) => p.at / 1000);
    const ys = points.map((p) => p.levelMm);
    const data: uPlot.AlignedData = [xs, ys];
    const plot = new uPlot(
      {
        width: el.clientWidth || 600,
        height: 220,
        tzDate: (ts) => new Date(ts * 1000),
        legend: { show: false },
        cursor: { y: false },
        // The whole window, so the alert moment is on the chart even after the last reading.
        scales: { x: { time: true, range: () => [w.from / 1000, w.to / 1000] }, y: { range: (_u, min, max) => [0, Math.max(max, depth ?? 0) * 1.05 || min + 1] } },
        axes: [
          { stroke: '#9aa7b4', grid: { stroke: 'rgba(255,255,255,0.06)' }, ticks: { stroke: 'rgba(255,255,255,0.1)' }, values: (_u, splits) => splits.map((s) => clockText(s * 1000)) },
          { stroke: '#9aa7b4', grid: { stroke: 'rgba(255,255,255,0.06)' }, ticks: { stroke: 'rgba(255,255,255,0.1)' }, size: 56 },
        ],
        series: [{}, { label: t('ticket.levelMm'), stroke: '#4fb3ff', width: 2, fill: 'rgba(79,179,255,0.12)', points: { show: false } }],
        hooks: {
          draw: [
            (u) => {
              const c = u.ctx;
              const { left, top, width, height } = u.bbox;
              c.save();
              // The alert moment.
              const x = u.valToPos(alertAt / 1000, 'x', true);
              if (x >= left && x <= left + width) {
                c.strokeStyle = '#ff5d5d';
                c.setLineDash([6, 4]);
                c.lineWidth = 2;
                c.beginPath();
                c.moveTo(x, top);
                c.lineTo(x, top + height);
                c.stroke();
              }
              // Where the rules open a warning and a critical ticket.
              if (depth) {
                for (const [pct, colour] of [
                  [DRAIN_WARNING_PCT, '#f5b942'],
                  [DRAIN_CRITICAL_PCT, '#ff5d5d'],
                ] as const) {
                  const y = u.valToPos((depth * pct) / 100, 'y', true);
                  c.strokeStyle = colour;
                  c.setLineDash([2, 4]);
                  c.lineWidth = 1;
                  c.beginPath();
                  c.moveTo(left, y);
                  c.lineTo(left + width, y);
                  c.stroke();
                }
              }
              c.restore();
            },
          ],
        },
      },
      data,
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: 220 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [points, depth, alertAt, t]);

  return (
    <section class="panel" aria-labelledby="chart-title">
      <h2 id="chart-title">{t('ticket.chart')}</h2>
      <ErrorBanner error={series.error} onRetry={series.reload} />
      {series.data && points.length === 0 && <p class="muted">{t('ticket.chartEmpty')}</p>}
      <div ref={box} class="chart" role="img" aria-label={`${t('ticket.chart')}: ${points.length ? `${points[0]!.levelMm}–${points[points.length - 1]!.levelMm} mm` : '—'}`} />
    </section>
  );
}
