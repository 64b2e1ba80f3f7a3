"""The page's inline style sheet and script (kept apart from the HTML-building code).

The style sheet lays out the week grid (day columns positioned by percentage, so the same
markup fits the screen and a printed page) and the print rules: one grid per page, the
chosen staff member's, room's or resident's weeks only, summary optional. The script (no
libraries) shows one grid at a time and keeps the choice in the address (``#staff-2/3``).
"""

CSS = """
:root{--hour:60px;--ink:#1d2430;--muted:#5b6470;--line:#dfe3e8}
*{box-sizing:border-box}
body{margin:0;font:14px/1.35 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,
sans-serif;color:var(--ink);background:#f5f6f8}
main{max-width:1500px;margin:0 auto;padding:0 20px 24px}
header.page{padding:18px 20px 6px;max-width:1500px;margin:0 auto}
h1{font-size:22px;margin:0 0 2px}h2{font-size:18px;margin:28px 0 10px}
.lead{color:var(--muted);margin:0}
.controls{position:sticky;top:0;z-index:5;display:flex;flex-wrap:wrap;gap:8px 14px;
align-items:center;background:#fff;border:1px solid var(--line);border-radius:8px;
padding:8px 12px;margin:12px 0}
.controls select,.controls button{font:inherit;padding:4px 8px;border:1px solid #c5ccd4;
border-radius:6px;background:#fff}
.weeks{display:flex;gap:4px}.wkb small{display:block;font-size:10px;color:var(--muted)}
.wkb[aria-pressed=true]{background:var(--ink);color:#fff;border-color:var(--ink)}
.wkb[aria-pressed=true] small{color:#dfe3e8}
.ps{color:var(--muted);font-size:12px}#print{margin-left:auto}
body:not(.js) .controls{display:none}
body[data-view=room] .legend{display:none}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px;color:var(--muted);margin:6px 0}
.chip{display:inline-block;width:14px;height:12px;border-radius:3px;vertical-align:-2px;
margin-right:5px;background:var(--bg);border-left:4px solid var(--fg)}
.chip.closed,.s.closed{background:repeating-linear-gradient(135deg,#e6e9ed 0 5px,#f3f4f6 5px 10px)}
.chip.unavailable,.s.unavailable{background:#eef0f3}
.chip.closed,.chip.unavailable{border:1px solid #d3d8de}
.tt{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 12px 6px;
margin:0 0 16px}
body.js .tt{display:none}body.js .tt.on{display:block}
.tt h3{margin:0;font-size:17px}.tt h3 .wk{font-weight:400;color:var(--muted);font-size:14px}
.sub{margin:2px 0 8px;color:var(--muted);font-size:13px}
.scn{float:right;font-size:12px}
.week{display:grid;grid-template-columns:48px repeat(var(--days),minmax(0,1fr));
grid-template-rows:auto calc(var(--hours) * var(--hour))}
.dh{text-align:center;font-weight:600;padding:2px 0 6px;border-bottom:1px solid #c5ccd4}
.dh small{display:block;font-weight:400;color:var(--muted);font-size:11px}
.times{position:relative;font-size:11px;color:var(--muted)}
.times span{position:absolute;right:6px;transform:translateY(-1px)}
.day{position:relative;border-left:1px solid var(--line);
background-image:linear-gradient(to bottom,var(--line) 1px,transparent 1px);
background-size:100% calc(100% / var(--hours))}
.day:last-child{border-right:1px solid var(--line)}
.s{position:absolute;left:0;right:0;display:flex;align-items:center;justify-content:center}
.s span{font-size:11px;color:#8a929c;letter-spacing:.04em}
.b{position:absolute;left:0;width:100%;padding:0 2px;z-index:1}
.b>*{display:block;overflow:hidden;white-space:nowrap;text-overflow:ellipsis}
.b{overflow:hidden;font-size:11.5px;line-height:1.22;color:var(--ink);background:var(--bg);
border-left:4px solid var(--fg);border-radius:4px;padding:1px 4px 1px 5px;
box-shadow:inset 0 0 0 1px rgba(0,0,0,.06);background-clip:padding-box}
.b .t{font-size:10.5px;color:var(--muted)}.b .n{font-weight:600}
.b:not(.short) .n{white-space:normal;display:-webkit-box;-webkit-box-orient:vertical;
-webkit-line-clamp:2;line-clamp:2}
.b .d{white-space:normal;display:-webkit-box;-webkit-box-orient:vertical;
-webkit-line-clamp:var(--l);line-clamp:var(--l)}
.b.short>*{display:inline}.b.short .d{display:none}
.b.oc{background:repeating-linear-gradient(45deg,var(--bg) 0 6px,#fff 6px 12px);
}
.score{background:#fff;border:1px solid var(--line);border-radius:8px;padding:8px 14px;
margin:0 0 16px}.score h3{margin:4px 0}.score ul ul{color:var(--muted);font-size:13px}
.conf{font-size:10px;color:var(--muted);margin:6px 0 0}
.agenda{display:none;list-style:none;margin:0;padding:0}
.agenda h4{margin:10px 0 4px;font-size:14px;border-bottom:1px solid var(--line);padding-bottom:2px}
.agenda ul{list-style:none;margin:0;padding:0;display:grid;gap:6px}
.ai{background:var(--bg);border-left:5px solid var(--fg);border-radius:6px;padding:6px 10px;
overflow-wrap:anywhere}
.ai b,.ai span{display:block}.ai .t{font-weight:400;color:var(--muted);font-size:13px}
.ai .n{font-size:15px}.ai span{font-size:13px}
.ai.oc{background:repeating-linear-gradient(45deg,var(--bg) 0 6px,#fff 6px 12px)}
.agenda .none{color:var(--muted);font-size:13px}
@media screen and (max-width:700px){
main{padding:0 10px 20px}header.page{padding:12px 10px 4px}
.week{display:none}.agenda{display:block}
.controls{position:static;gap:8px}.controls label,.controls select{width:100%}
.controls select.who{width:100%}.weeks{flex-wrap:wrap}#print{margin-left:0}
.ps{display:none}.scn{float:none;display:block}
.tt{padding:8px 10px}.tt h3 .wk{display:block}
.charts{grid-template-columns:minmax(0,1fr)}
}
.kpis{margin:0 0 16px;display:grid;gap:12px;
grid-template-columns:repeat(auto-fit,minmax(190px,1fr))}
.kpi{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 12px}
.kpi span{display:block;color:var(--muted);font-size:12px}
.kpi b{display:block;font-size:22px;margin:2px 0}.kpi small{color:var(--muted)}
.tbl{overflow-x:auto;margin:0 0 18px}
table{border-collapse:collapse;background:#fff;font-size:13px;min-width:50%}
caption{text-align:left;font-weight:600;padding:4px 0}
th,td{border-bottom:1px solid var(--line);padding:4px 10px;text-align:left;white-space:nowrap}
th{background:#eef0f3;font-weight:600;white-space:normal;max-width:9em;vertical-align:bottom}.num{text-align:right;font-variant-numeric:tabular-nums}
.charts{display:grid;grid-template-columns:minmax(0,1100px);gap:16px}
figure{margin:0;background:#fff;border:1px solid var(--line);border-radius:8px;padding:8px}
figure img{width:100%;height:auto;display:block}figcaption{color:var(--muted);font-size:12px}
footer{max-width:1500px;margin:0 auto;padding:12px 20px 30px;color:var(--muted);font-size:12px}
.b,.s,.chip,.day,th{-webkit-print-color-adjust:exact;print-color-adjust:exact}
@media print{
@page{size:landscape;margin:8mm}
body{background:#fff;font-size:10px}
main,header.page,footer{max-width:none;padding:0}
.controls,.noprint{display:none!important}
body.js header.page{display:none}
body.js .tt{display:none}
body.js .tt.mine,.tt{display:block;break-after:page;break-inside:avoid;border:0;padding:0;margin:0}
.tt{--hour:calc(150mm / var(--hours))}
.b{font-size:8.5px}.b .t{font-size:8px}
body.js:not(.print-summary) .summary,body.js:not(.print-summary) footer{display:none}
.legend{display:none}
.summary{break-before:page}
.charts{grid-template-columns:1fr 1fr}
figure{break-inside:avoid}
}
"""


SCRIPT = r"""
(function () {
  var body = document.body;
  body.classList.add('js');
  var view = document.getElementById('view');
  var pickers = document.querySelectorAll('select.who');
  var weekButtons = document.querySelectorAll('.wkb');
  var grids = document.querySelectorAll('section.tt');
  var week = '1';
  function picker(v) {
    for (var i = 0; i < pickers.length; i++) {
      if (pickers[i].getAttribute('data-view') === v) return pickers[i];
    }
    return null;
  }
  function fromHash() {
    // #staff-2/3: the third staff member's timetable, week 3 (bookmarkable).
    var m = /^#(\w+)-(\d+)(?:\/(\d+))?$/.exec(window.location.hash);
    if (!m || !picker(m[1])) return;
    view.value = m[1];
    picker(m[1]).value = m[1] + '-' + m[2];
    if (m[3] && document.querySelector('.wkb[data-week="' + m[3] + '"]')) week = m[3];
  }
  function show() {
    var p = picker(view.value);
    var key = p ? p.value : '';
    body.setAttribute('data-view', view.value);  // the room view hides the program legend
    for (var i = 0; i < pickers.length; i++) pickers[i].hidden = pickers[i] !== p;
    for (var j = 0; j < grids.length; j++) {
      var g = grids[j];
      var mine = g.getAttribute('data-view') === view.value && g.getAttribute('data-key') === key;
      g.classList.toggle('mine', mine);
      g.classList.toggle('on', mine && g.getAttribute('data-week') === week);
    }
    for (var k = 0; k < weekButtons.length; k++) {
      var b = weekButtons[k];
      b.setAttribute('aria-pressed', b.getAttribute('data-week') === week ? 'true' : 'false');
    }
    if (key && window.history.replaceState) {
      window.history.replaceState(null, '', '#' + key + '/' + week);
    }
  }
  view.addEventListener('change', show);
  for (var i = 0; i < pickers.length; i++) pickers[i].addEventListener('change', show);
  for (var k = 0; k < weekButtons.length; k++) {
    weekButtons[k].addEventListener('click', function (e) {
      week = e.currentTarget.getAttribute('data-week');
      show();
    });
  }
  document.getElementById('print-summary').addEventListener('change', function (e) {
    body.classList.toggle('print-summary', e.target.checked);
  });
  document.getElementById('print').addEventListener('click', function () { window.print(); });
  fromHash();
  show();
})();
"""
