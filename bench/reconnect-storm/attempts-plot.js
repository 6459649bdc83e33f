/**
 * Hand-written SVG of connection attempts per window over time: one panel per strategy, one line
 * per first-attempt jitter, the reference model in grey on every panel for comparison.
 */

const WIDTH = 1010;
const PANEL_HEIGHT = 190;
const MARGIN = { left: 64, right: 340, top: 34, bottom: 34 };
const COLOURS = ['#d62728', '#ff7f0e', '#2ca02c', '#1f77b4', '#9467bd'];
const REFERENCE_COLOUR = '#7f7f7f';

/**
 * @param {object} plot
 * @param {string} plot.title
 * @param {{ title: string, series: { label: string, bins: number[], reference?: boolean, emphasis?: boolean }[] }[]} plot.panels
 * @param {number} plot.windowMs width of one bin
 * @param {number} plot.returnAtMs when the RDS is back (ms after the loss)
 * @param {number} plot.acceptLimit accepts per window once back
 * @param {number} plot.xMaxMs right end of the time axis; series that go on say until when in the legend
 * @param {number} plot.yMax top of the attempts axis; higher bins are clipped (the legend says so)
 * @returns {string} the SVG document
 */
export function renderAttemptsSvg(plot) {
  const { panels, windowMs, returnAtMs, acceptLimit, xMaxMs, yMax } = plot;
  const innerW = WIDTH - MARGIN.left - MARGIN.right;
  const innerH = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const height = panels.length * PANEL_HEIGHT + 30;
  const x = (ms) => MARGIN.left + (Math.min(ms, xMaxMs) / xMaxMs) * innerW;
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  out.push(`<text x="${MARGIN.left}" y="18" font-size="14" font-weight="bold">${escape(plot.title)}</text>`);
  panels.forEach((panel, p) => {
    const top = 30 + p * PANEL_HEIGHT;
    const y = (n) => top + MARGIN.top + innerH - (Math.min(n, yMax) / yMax) * innerH;
    out.push(`<g>`);
    out.push(`<text x="${MARGIN.left}" y="${top + MARGIN.top - 8}" font-size="12" font-weight="bold">${escape(panel.title)}</text>`);
    // Axes and grid.
    for (let n = 0; n <= yMax; n += yStep(yMax)) {
      out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + innerW}" y1="${f(y(n))}" y2="${f(y(n))}" stroke="#eeeeee"/>`);
      out.push(`<text x="${MARGIN.left - 6}" y="${f(y(n) + 4)}" text-anchor="end">${n}</text>`);
    }
    for (let s = 0; s * 1000 <= xMaxMs; s += 10) {
      out.push(`<line x1="${f(x(s * 1000))}" x2="${f(x(s * 1000))}" y1="${top + MARGIN.top}" y2="${top + MARGIN.top + innerH}" stroke="#eeeeee"/>`);
      out.push(`<text x="${f(x(s * 1000))}" y="${top + MARGIN.top + innerH + 14}" text-anchor="middle">${s} s</text>`);
    }
    out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${top + MARGIN.top}" y2="${top + MARGIN.top + innerH}" stroke="#333333"/>`);
    out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + innerW}" y1="${top + MARGIN.top + innerH}" y2="${top + MARGIN.top + innerH}" stroke="#333333"/>`);
    out.push(
      `<text transform="translate(${MARGIN.left - 44},${top + MARGIN.top + innerH / 2}) rotate(-90)" text-anchor="middle">attempts / ${windowMs} ms</text>`,
    );
    // The RDS returns; its accept limit.
    out.push(`<line x1="${f(x(returnAtMs))}" x2="${f(x(returnAtMs))}" y1="${top + MARGIN.top}" y2="${top + MARGIN.top + innerH}" stroke="#000000" stroke-dasharray="4 3"/>`);
    out.push(`<text x="${f(x(returnAtMs) + 4)}" y="${top + MARGIN.top + 10}">RDS back</text>`);
    out.push(`<line x1="${f(x(returnAtMs))}" x2="${MARGIN.left + innerW}" y1="${f(y(acceptLimit))}" y2="${f(y(acceptLimit))}" stroke="#000000" stroke-dasharray="1 3"/>`);
    out.push(`<text x="${MARGIN.left + innerW - 4}" y="${f(y(acceptLimit) - 4)}" text-anchor="end">accept limit ${acceptLimit}</text>`);
    // Series: the reference underneath, the emphasised one on top.
    const ordered = [...panel.series].sort((a, b) => rank(a) - rank(b));
    let colour = 0;
    const colourOf = new Map(panel.series.map((s) => [s, s.reference ? REFERENCE_COLOUR : COLOURS[colour++ % COLOURS.length]]));
    for (const s of ordered) {
      // A step line: a vertical and a horizontal segment per change of value, nothing for a run.
      const points = [`${f(x(0))},${f(y(s.bins[0] ?? 0))}`];
      const last = Math.min(s.bins.length, Math.ceil(xMaxMs / windowMs));
      for (let i = 1; i <= last; i++) {
        const before = s.bins[i - 1] ?? 0;
        const now = i < last ? (s.bins[i] ?? 0) : before;
        if (now === before && i < last) continue;
        points.push(`${f(x(i * windowMs))},${f(y(before))}`);
        if (i < last) points.push(`${f(x(i * windowMs))},${f(y(now))}`);
      }
      const width = s.emphasis ? 1.6 : 1;
      const opacity = s.emphasis || s.reference ? 1 : 0.75;
      out.push(`<polyline fill="none" stroke="${colourOf.get(s)}" stroke-width="${width}" stroke-opacity="${opacity}" points="${points.join(' ')}"/>`);
    }
    // Legend.
    panel.series.forEach((s, i) => {
      const ly = top + MARGIN.top + 6 + i * 16;
      const lx = MARGIN.left + innerW + 14;
      out.push(`<line x1="${lx}" x2="${lx + 18}" y1="${ly}" y2="${ly}" stroke="${colourOf.get(s)}" stroke-width="${s.emphasis ? 2.5 : 1.5}"/>`);
      const notes = [];
      const peak = Math.max(0, ...s.bins);
      if (peak > yMax) notes.push(`peak ${peak.toLocaleString('en')}, off the scale`);
      if (s.bins.length * windowMs > xMaxMs) notes.push(`until ${Math.round((s.bins.length * windowMs) / 1000)} s`);
      const text = notes.length > 0 ? `${s.label} (${notes.join('; ')})` : s.label;
      out.push(`<text x="${lx + 24}" y="${ly + 4}"${s.emphasis ? ' font-weight="bold"' : ''}>${escape(text)}</text>`);
    });
    out.push(`</g>`);
  });
  out.push(`</svg>`);
  return `${out.join('\n')}\n`;
}

function rank(series) {
  return series.reference ? 0 : series.emphasis ? 2 : 1;
}

function yStep(yMax) {
  return yMax > 1000 ? 500 : yMax > 400 ? 100 : 50;
}

function f(n) {
  return n.toFixed(1);
}

function escape(text) {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
