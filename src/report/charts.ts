// Charts as inline SVG for the HTML report: no script, no font files, no request — the page stays one
// self-contained file. Each chart is a `<svg class="chart">` with a `<title>` per mark, so a reader
// can hover for the exact number and a test can find what was drawn.
import { html } from './text.ts';

export interface Bar {
  label: string;
  value: number;
  color: string;
  /** Shown on hover. */
  title?: string;
  /** Marked as missing (drawn as an outlined, empty bar). */
  missing?: boolean;
}

const LABEL_WIDTH = 260;
const BAR_HEIGHT = 16;
const GAP = 4;

/** Horizontal bars, one per row, on a logarithmic scale (counts span 1 to tens of thousands). */
export function barChart(id: string, caption: string, bars: Bar[], width = 760): string {
  const plot = width - LABEL_WIDTH - 70;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const scale = (v: number) => (v <= 0 ? 0 : Math.max(2, (Math.log10(v + 1) / Math.log10(max + 1)) * plot));
  const height = bars.length * (BAR_HEIGHT + GAP) + 24;
  const rows = bars.map((b, i) => {
    const y = 20 + i * (BAR_HEIGHT + GAP);
    const w = scale(b.value);
    const mark = b.missing
      ? `<rect class="missing" x="${LABEL_WIDTH}" y="${y}" width="${plot}" height="${BAR_HEIGHT}" fill="none" stroke="#cf222e" stroke-dasharray="4 3"><title>${html(b.title ?? `${b.label}: never answered`)}</title></rect>`
      : `<rect class="bar" x="${LABEL_WIDTH}" y="${y}" width="${w.toFixed(1)}" height="${BAR_HEIGHT}" fill="${b.color}"><title>${html(b.title ?? `${b.label}: ${b.value}`)}</title></rect>`;
    return `<text x="${LABEL_WIDTH - 6}" y="${y + 12}" text-anchor="end">${html(b.label)}</text>${mark}<text x="${LABEL_WIDTH + (b.missing ? plot : w) + 4}" y="${y + 12}">${b.missing ? 'never answered' : b.value}</text>`;
  }).join('');
  return `<svg class="chart" id="${html(id)}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${html(caption)}" font-family="system-ui,sans-serif" font-size="11" fill="#1f2328">
<text x="0" y="12" font-weight="600">${html(caption)}</text>${rows}</svg>`;
}

export interface Stack {
  label: string;
  parts: { label: string; value: number; color: string }[];
  /** Shown at the right: the AWS reference for this row. */
  note: string;
}

/** One 100 % stacked bar per row: how a target's answers split between choices. */
export function stackedChart(id: string, caption: string, stacks: Stack[], width = 760): string {
  const plot = width - LABEL_WIDTH - 200;
  const height = stacks.length * (BAR_HEIGHT + GAP) + 24;
  const rows = stacks.map((s, i) => {
    const y = 20 + i * (BAR_HEIGHT + GAP);
    const total = s.parts.reduce((n, p) => n + p.value, 0);
    let x = LABEL_WIDTH;
    const parts = total === 0
      ? `<rect class="missing" x="${x}" y="${y}" width="${plot}" height="${BAR_HEIGHT}" fill="none" stroke="#8c959f" stroke-dasharray="4 3"><title>${html(`${s.label}: not observed`)}</title></rect>`
      : s.parts.map((p) => {
        const w = (p.value / total) * plot;
        const rect = `<rect class="bar" x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${BAR_HEIGHT}" fill="${p.color}"><title>${html(`${s.label}: ${p.label} ×${p.value}`)}</title></rect>`;
        x += w;
        return rect;
      }).join('');
    return `<text x="${LABEL_WIDTH - 6}" y="${y + 12}" text-anchor="end">${html(s.label)}</text>${parts}<text x="${LABEL_WIDTH + plot + 6}" y="${y + 12}">${html(s.note)}</text>`;
  }).join('');
  return `<svg class="chart" id="${html(id)}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${html(caption)}" font-family="system-ui,sans-serif" font-size="11" fill="#1f2328">
<text x="0" y="12" font-weight="600">${html(caption)}</text>${rows}</svg>`;
}
