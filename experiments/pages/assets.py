"""The style sheet and the small script every page shares: projector mode, print layout, glossary hovers.

Kept apart from :mod:`negsim.experiments.pages.page` so the page writer reads as a recipe.
"""

from __future__ import annotations

__all__ = ["PRINT_HEIGHT", "PRINT_LAYOUT", "PRINT_WIDTH", "SCRIPT", "STYLE"]

#: A4 less 12 mm margins, in CSS pixels (96 per inch). Printed, every chart is laid out PRINT_LAYOUT pixels wide
#: (as on a small screen) and scaled down to the page's width, and further to its height where it is taller.
PRINT_WIDTH, PRINT_HEIGHT, PRINT_LAYOUT = 700, 1000, 900

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1200px;
       padding: 1.5rem; color: #1b1b1b; line-height: 1.5; font-size: 17px; }
body.projector { max-width: none; padding: 1rem 2.5rem; font-size: 20px; }
h1 { font-size: 1.7rem; margin-bottom: .2rem; } h2 { font-size: 1.35rem; margin-top: 2.2rem; }
h3 { font-size: 1.12rem; margin: 1.2rem 0 .3rem; }
p.lead { color: #333; margin-top: .2rem; font-size: 1.08rem; } .note { color: #444; font-size: .95rem; }
table { border-collapse: collapse; margin: .5rem 0; font-size: .95rem; }
th, td { border-bottom: 1px solid #ddd; padding: .3rem .7rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } code { background: #f3f3f3; padding: 0 .25rem; border-radius: 3px; }
.wide { overflow-x: auto; max-width: 100%; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 1rem; }
.card { border: 1px solid #ddd; border-left: 6px solid var(--c, #888); border-radius: 6px; padding: .7rem 1rem; }
details summary { cursor: pointer; }
.toolbar { display: flex; flex-wrap: wrap; gap: .6rem; margin: .8rem 0; }
.toolbar button, .controls button { font: inherit; font-size: .95rem; padding: .25rem .8rem; border: 1px solid #888;
       border-radius: 4px; background: #fff; cursor: pointer; }
.toolbar button[aria-pressed="true"] { background: #1b1b1b; color: #fff; }
button:focus-visible, .term:focus-visible, select:focus-visible, summary:focus-visible { outline: 3px solid #E69F00;
       outline-offset: 2px; }
nav.toc { font-size: .95rem; color: #333; } nav.toc a { margin-right: 1rem; white-space: nowrap; }
.run-box { border: 1px solid #bbb; border-radius: 6px; padding: .4rem 1.1rem .7rem; background: #fafafa; }
.run-box h2 { margin-top: .6rem; } .run-box ul { margin: .2rem 0 .5rem; }
.command { display: block; padding: .5rem .7rem; margin: .3rem 0; white-space: pre-wrap; word-break: break-all;
       font-size: .92rem; }
.changed { font-weight: 600; }
.term { border-bottom: 2px dotted #777; cursor: help; position: relative; }
.term:hover::after, .term:focus::after { content: attr(data-def); position: absolute; left: 0; top: 1.6em; z-index: 10;
       width: min(28rem, 80vw); background: #1b1b1b; color: #fff; font-size: .92rem; font-weight: normal;
       line-height: 1.4; padding: .5rem .7rem; border-radius: 5px; white-space: normal; font-style: normal; }
dl.glossary dt { font-weight: 700; margin-top: .5rem; } dl.glossary dd { margin: 0 0 0 1.2rem; }
figure.chart { margin: .6rem 0 1.2rem; }
@page { size: A4; margin: 12mm; }
@media print {
  body, body.projector { max-width: none; padding: 0; font-size: 11pt; }
  .toolbar, nav.toc, .controls, .modebar-container { display: none !important; }
  figure.chart, .card, .run-box, tr, li { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  .term { border-bottom: none; } .term::after { display: none !important; }
  figure.chart { width: PRINT_LAYOUTpx; }
}
""".replace("PRINT_LAYOUT", str(PRINT_LAYOUT))

#: Projector mode (full width, larger type; remembered in the address as ``#projector``) and the print layout:
#: before printing, every chart is laid out at the printed width (and scaled to fit a page's height).
SCRIPT = """
(function () {
  const WIDTH = PRINT_WIDTH, HEIGHT = PRINT_HEIGHT, LAYOUT = PRINT_LAYOUT;
  const plots = () => Array.from(document.querySelectorAll('.js-plotly-plot'));
  const button = document.getElementById('negsim-projector');
  function projector(on) {
    document.body.classList.toggle('projector', on);
    if (button) button.setAttribute('aria-pressed', on ? 'true' : 'false');
    history.replaceState(null, '', on ? '#projector' : location.pathname + location.search);
    plots().forEach(div => Plotly.Plots.resize(div));
  }
  if (button) button.addEventListener('click', () => projector(!document.body.classList.contains('projector')));
  const printer = document.getElementById('negsim-print');
  if (printer) printer.addEventListener('click', () => window.print());
  if (location.hash === '#projector') projector(true);
  let printing = false;
  function toPrint() {
    if (printing) return; printing = true;
    plots().forEach(div => {
      Plotly.relayout(div, {width: LAYOUT, autosize: false});
      const height = div._fullLayout ? div._fullLayout.height : 0;
      div.closest('figure').style.zoom = String(Math.min(WIDTH / LAYOUT, height > 0 ? HEIGHT / height : 1));
    });
  }
  function toScreen() {
    if (!printing) return; printing = false;
    plots().forEach(div => {
      div.closest('figure').style.zoom = '';
      Plotly.relayout(div, {width: null, autosize: true}).then(() => Plotly.Plots.resize(div));
    });
  }
  window.addEventListener('beforeprint', toPrint);
  window.addEventListener('afterprint', toScreen);
  const media = window.matchMedia('print');
  media.addEventListener('change', event => (event.matches ? toPrint() : toScreen()));
  window.negsimPrintLayout = toPrint;
})();
""".replace("PRINT_WIDTH", str(PRINT_WIDTH)).replace("PRINT_HEIGHT", str(PRINT_HEIGHT)).replace(
    "PRINT_LAYOUT", str(PRINT_LAYOUT)
)
