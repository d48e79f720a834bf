"""JavaScript the accessibility checks run in the page (see a11y.py)."""

# ruff: noqa: E501 - JavaScript, kept readable rather than wrapped to Python's line length

AXE_RUN = """async (tags) => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                     resultTypes: ['violations', 'incomplete']});
  const nodes = (v) => v.nodes.map((n) => ({target: n.target.map(String),
    html: n.html.slice(0, 160), summary: (n.failureSummary || '').slice(0, 300)}));
  return {
    violations: r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
                                           helpUrl: v.helpUrl, nodes: nodes(v)})),
    incomplete: r.incomplete.map((v) => ({id: v.id, help: v.help, nodes: nodes(v)})),
    ran: [...r.passes, ...r.violations, ...r.incomplete, ...r.inapplicable].map((x) => x.id),
  };
}"""

TITLE_AND_ERRORS = """() => {
  const summary = document.querySelector('.nhsuk-error-summary');
  const h1 = document.querySelector('h1');
  const active = document.activeElement;
  return {
    title: document.title,
    hasSummary: !!summary && summary.offsetParent !== null,
    summaryBeforeH1: !!(summary && h1 &&
      (summary.compareDocumentPosition(h1) & Node.DOCUMENT_POSITION_FOLLOWING)),
    summaryFocused: !!(summary && active && summary.contains(active)),
    summaryLinks: summary ? [...summary.querySelectorAll('a')].map((a) => a.getAttribute('href')) : [],
  };
}"""

HEADINGS = """() => {
  const hidden = (el) => !!el.closest('[hidden], [aria-hidden="true"]') ||
    getComputedStyle(el).display === 'none' || getComputedStyle(el).visibility === 'hidden';
  return [...document.querySelectorAll('h1,h2,h3,h4,h5,h6,[role=heading]')]
    .filter((h) => !hidden(h))
    .map((h) => ({level: Number(h.getAttribute('aria-level') || h.tagName.slice(1)),
                  text: h.textContent.trim().replace(/\\s+/g, ' ').slice(0, 70)}));
}"""

CHARTS = """() => [...document.querySelectorAll('svg[role=img]')]
  .filter((svg) => !svg.closest('header, .cdx-qr'))   // the NHS logo and QR codes are not charts
  // A figure may have a phone layout and a wide one; only the one shown is the chart.
  .filter((svg) => svg.getClientRects().length > 0)
  .map((svg) => {
    const title = svg.querySelector(':scope > title');
    const all = [...document.querySelectorAll('table, svg[role=img]')]
      .filter((el) => el.getClientRects().length > 0);
    const after = all.slice(all.indexOf(svg) + 1);
    const next = after.find((el) => el.tagName.toLowerCase() === 'table' ||
                                    !el.closest('header, .cdx-qr'));
    return {label: (svg.getAttribute('aria-label') || (title && title.textContent) || '').slice(0, 60),
            title: title ? title.textContent.trim() : '',
            tableAfter: !!next && next.tagName.toLowerCase() === 'table'};
  })"""

REFLOW = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width + 1) return [];
  const scrolls = (el) => {   // inside a scrolling box other than the page itself
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') return true; }
    return false; };
  // Data tables and charts need two dimensions: WCAG 1.4.10 lets them scroll sideways.
  // Not so the NHS.UK responsive tables: on a phone they become one column of cells.
  const twoD = (el) => !!el.closest('table:not(.nhsuk-table--responsive), svg');
  return [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > width + 1 && !scrolls(el) && !twoD(el))
    .filter((el, _, all) => !all.some((o) => o !== el && o.contains(el)))
    .slice(0, 5)
    .map((el) => el.tagName.toLowerCase() + (el.className && typeof el.className === 'string'
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
      ' "' + (el.textContent || '').trim().slice(0, 30) + '"' +
      ' (' + Math.round(el.getBoundingClientRect().right) + 'px)');
}"""

# The page is no wider than the window (issue 17: a chart, the waves table and the
# collaborations table widened pages at 375px). What sticks out, outside any box
# that scrolls on its own, is named.
FITS = """() => {
  const width = innerWidth;
  const scroll = document.documentElement.scrollWidth;
  if (scroll <= width) return null;
  const scrolls = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; }
    return false; };
  const wide = [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > width + 1 && !scrolls(el))
    .filter((el, _, all) => !all.some((o) => o !== el && o.contains(el)))
    .slice(0, 3)
    .map((el) => el.tagName.toLowerCase() + (el.className && typeof el.className === 'string'
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
      ' (' + Math.round(el.getBoundingClientRect().right) + 'px)');
  return {width, scroll, wide};
}"""

POSITIVE_TABINDEX = """() => [...document.querySelectorAll('[tabindex]')]
  .filter((el) => el.tabIndex > 0).map((el) => el.outerHTML.slice(0, 80))"""

# Run on each Tab stop: describe it, check it follows the previous stop in document
# order, and compare its look focused and unfocused (then focus it again).
FOCUS_STOP = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const describe = (n) => {
    const text = (n.getAttribute('aria-label') || n.textContent || n.value || '').trim()
      .replace(/\\s+/g, ' ').slice(0, 40);
    return n.tagName.toLowerCase() + (n.id ? '#' + n.id : '') +
      (n.getAttribute('name') ? '[name=' + n.getAttribute('name') + ']' : '') + (text ? ' "' + text + '"' : '');
  };
  const prev = window.__cdxPrevFocus;
  const backwards = !!(prev && prev !== el && prev.isConnected &&
    (prev.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING));
  const repeat = prev === el;
  window.__cdxPrevFocus = el;
  const props = ['outline-style', 'outline-width', 'outline-color', 'box-shadow', 'background-color',
                 'color', 'border-top-color', 'border-bottom-color', 'border-left-color',
                 'border-right-color', 'text-decoration-line', 'fill', 'stroke', 'stroke-width'];
  const targets = [[el, null], [el, '::before'], [el, '::after']];
  for (const label of (el.labels ? [...el.labels] : [])) {
    targets.push([label, null], [label, '::before'], [label, '::after']);
  }
  for (const d of [...el.querySelectorAll('*')].slice(0, 40)) targets.push([d, null]);
  const snap = () => targets.map(([n, p]) => {
    const cs = getComputedStyle(n, p);
    return Object.fromEntries(props.map((k) => [k, cs.getPropertyValue(k)]));
  });
  const transparent = (c) => /^transparent$|rgba\\([^)]*,\\s*0\\)$/.test(c.trim());
  const focused = snap();
  el.blur();
  const plain = snap();
  el.focus({preventScroll: true});
  const cues = [];
  focused.forEach((f, i) => {
    for (const k of props) {
      if (f[k] === plain[i][k]) continue;
      if (k.startsWith('outline')) {
        if (f['outline-style'] !== 'none' && parseFloat(f['outline-width']) > 0 &&
            !transparent(f['outline-color'])) cues.push('outline');
      } else if (k === 'box-shadow') {
        if (f[k] !== 'none') cues.push('box-shadow');
      } else {
        cues.push(k);
      }
    }
  });
  const boxes = [el, ...(el.labels ? [...el.labels] : [])].map((n) => n.getBoundingClientRect());
  const seen = boxes.some((r) => r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 &&
    r.top < innerHeight && r.left < innerWidth);
  return {el: describe(el), backwards, repeat, cues: [...new Set(cues)], seen,
          skipLink: el.classList.contains('nhsuk-skip-link')};
}"""
