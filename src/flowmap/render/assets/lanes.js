(function () {
  // Pieces shared by the lane graphs of `view`/`report` (graph.js) and of `compare`
  // (compare_html.py). Every text reaches the page through textContent or the canvas.
  function tip(t, heading) {
    // the hover card of a step; `heading` (or null for none) stands above its findings
    const d = document.createElement('div');
    d.className = 'fm-tip';
    const h = document.createElement('div'); h.className = 'fm-tip-title'; h.textContent = t.title; d.appendChild(h);
    for (const row of t.rows) {
      const r = document.createElement('div');
      const k = document.createElement('span'); k.className = 'fm-k'; k.textContent = row[0];
      r.appendChild(k); r.appendChild(document.createTextNode(row[1])); d.appendChild(r);
    }
    if (heading !== null && t.findings.length) {
      const fh = document.createElement('div'); fh.className = 'fm-tip-f'; fh.textContent = heading; d.appendChild(fh);
    }
    for (const f of t.findings) {
      const r = document.createElement('div'); r.className = 'fm-sev-' + f.level;
      r.textContent = '[' + f.severity + '] ' + f.kind + ': ' + f.title; d.appendChild(r);
    }
    return d;
  }
  function paintBands(network, data) {
    // the lane bands behind the steps, read from data.bands / data.extent at each drawing
    network.on('beforeDrawing', function (ctx) {
      const ext = data.extent;
      for (const b of data.bands) {
        ctx.fillStyle = b.customer ? '#fffbea' : (b.shade ? '#f3f6fa' : '#ffffff');
        ctx.fillRect(ext.x0 - 10, b.y0, ext.x1 - ext.x0 + 20, b.y1 - b.y0);
        ctx.strokeStyle = '#c9d3df'; ctx.lineWidth = 1;
        ctx.beginPath(); ctx.moveTo(ext.x0 - 10, b.y1); ctx.lineTo(ext.x1 + 10, b.y1); ctx.stroke();
      }
      for (const b of data.bands) {
        if (!b.strip) { continue; }  // the flow goes on in the next strip of a wrapped overview
        ctx.strokeStyle = '#1f4e79'; ctx.lineWidth = 3 / network.getScale();
        ctx.beginPath(); ctx.moveTo(ext.x0 - 10, b.y0); ctx.lineTo(ext.x1 + 10, b.y0); ctx.stroke();
      }
    });
  }
  window.flowmapLanes = {tip: tip, paintBands: paintBands};
})();
