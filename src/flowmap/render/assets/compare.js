(function () {
  // The two lane graphs of `flowmap compare` (render/compare_html.py). As in graph.js (view/report):
  // lane names sit in a gutter left of the canvas, never on a step; zoomed out, a step shows its
  // mark and id and its name shortened to its column, in type that stays readable (full name on
  // hover). On a phone a shield over each graph lets a finger scroll the page until it is tapped.
  // Every text comes from JSON and reaches the page through textContent or the canvas.
  const labels = JSON.parse(document.getElementById('fm-cmp-labels').textContent);
  const READABLE_PX = 11;
  function width(ch) { return /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1; }
  function take(text, units) {
    // [the part of text that fits in units (a CJK character is 2), the rest]
    let used = 0, i = 0;
    const chars = Array.from(text);
    for (; i < chars.length; i++) {
      const w = width(chars[i]);
      if (used + w > units) { break; }
      used += w;
    }
    return [chars.slice(0, i).join(''), chars.slice(i).join('').replace(/^\s+/, '')];
  }
  function compact(n, data, scale, rowH) {
    // the label of a step zoomed out: its mark and id whole, the name as far as the column allows
    const boxPx = data.column * 0.95 * scale;
    const units = Math.max(4, Math.floor((boxPx - 8) / (READABLE_PX * 0.5)));
    const room = Math.max(2, Math.min(7, Math.floor(rowH * scale * 0.85 / (READABLE_PX * 1.3))));
    const lines = [n.fm_id];
    let rest = n.fm_name;
    while (rest && lines.length < room - 1) { const part = take(rest, units); lines.push(part[0]); rest = part[1]; }
    if (rest) {
      const part = take(rest, units - 1);
      lines.push(part[1] ? part[0].replace(/\s+$/, '') + '…' : part[0]);
    }
    return lines.join('\n');
  }

  function lanes(network, data, gutter) {
    // lane names in the gutter, following the bands as the view pans and zooms.
    // Alike to graph.js's laneNames on purpose: each page is one offline file with its own script;
    // this one serves two graphs built once, graph.js rebuilds its gutter when the overview wraps.
    const divs = data.bands.map(function (b) {
      const d = document.createElement('div');
      d.className = 'fm-lane' + (b.customer ? ' customer' : '');
      d.textContent = b.name;
      d.title = b.name;
      gutter.appendChild(d);
      return d;
    });
    network.on('afterDrawing', function () {
      data.bands.forEach(function (b, i) {
        const top = network.canvasToDOM({x: 0, y: b.y0}).y;
        const bottom = network.canvasToDOM({x: 0, y: b.y1}).y;
        divs[i].style.top = top + 'px';
        divs[i].style.height = Math.max(0, bottom - top) + 'px';
        divs[i].style.fontSize = Math.max(10, Math.min(13, (bottom - top) * 0.55)) + 'px';
      });
    });
  }

  function beyond(network, data) {
    // a fading edge with an arrow where the flow goes on beyond the view, left or right
    const xs = data.nodes.reduce(function (m, n) { return [Math.min(m[0], n.x), Math.max(m[1], n.x)]; }, [Infinity, -Infinity]);
    network.on('afterDrawing', function (ctx) {
      const scale = network.getScale();
      const w = network.body.container.clientWidth;
      const left = network.DOMtoCanvas({x: 0, y: 0}), right = network.DOMtoCanvas({x: w, y: 0});
      const bottom = network.DOMtoCanvas({x: 0, y: network.body.container.clientHeight}).y;
      const band = 28 / scale;
      for (const side of [[left.x, xs[0] - data.column * 0.2, 1], [right.x, xs[1] + data.column * 0.2, -1]]) {
        if ((side[0] - side[1]) * side[2] <= 0) { continue; }
        const g = ctx.createLinearGradient(side[0], 0, side[0] + side[2] * band, 0);
        g.addColorStop(0, 'rgba(31,78,121,.28)'); g.addColorStop(1, 'rgba(31,78,121,0)');
        ctx.fillStyle = g;
        ctx.fillRect(Math.min(side[0], side[0] + side[2] * band), left.y, band, bottom - left.y);
        ctx.fillStyle = '#1f4e79'; ctx.font = 'bold ' + (16 / scale) + 'px sans-serif'; ctx.textBaseline = 'middle';
        ctx.textAlign = side[2] > 0 ? 'left' : 'right';
        ctx.fillText(side[2] > 0 ? '◀' : '▶', side[0] + side[2] * 4 / scale, (left.y + bottom) / 2);
      }
    });
  }

  function graph(container, done) {
    const data = JSON.parse(document.getElementById(container.getAttribute('data-fm-graph')).textContent);
    const full = {};
    for (const n of data.nodes) {
      n.title = flowmapLanes.tip(data.tips[n.id], null);
      full[n.id] = {label: n.label, font: Object.assign({}, n.font), widthConstraint: n.widthConstraint};
    }
    data.edges.forEach(function (e, i) { if (e.id === undefined) { e.id = 'e' + i; } });
    const nodes = new vis.DataSet(data.nodes);
    const edges = new vis.DataSet(data.edges);
    const network = new vis.Network(container, {nodes: nodes, edges: edges}, data.options);
    const ext = data.extent;
    const box = container.closest('.fm-cmp-box');
    flowmapLanes.paintBands(network, data);
    lanes(network, data, box.querySelector('.fm-lanes'));
    beyond(network, data);
    let shown = null;
    let rowH = data.rowH;
    function layout(h) {
      // lane bands of height h (canvas units), each step in the middle of its lane
      rowH = h;
      data.bands.forEach(function (b, i) { b.y0 = i * h; b.y1 = (i + 1) * h; });
      ext.y1 = data.bands.length * h;
      nodes.update(data.nodes.map(function (n) { return {id: n.id, y: (n.fm_lane + 0.5) * h}; }));
    }
    function fitLabels(force) {
      const scale = network.getScale();
      if (!force && shown !== null && Math.abs(scale - shown) / shown < 0.08 && (scale < data.compactBelow) === (shown < data.compactBelow)) { return; }
      shown = scale;
      const small = scale < data.compactBelow;
      nodes.update(data.nodes.map(function (n) {
        if (!small) { return Object.assign({id: n.id}, full[n.id]); }
        return {id: n.id, label: compact(n, data, scale, rowH), font: Object.assign({}, full[n.id].font, {size: READABLE_PX / scale}),
                widthConstraint: {minimum: data.column * 0.5, maximum: data.column * 0.95}};
      }));
      edges.update(data.edges.filter(function (e) { return e.label; }).map(function (e) {
        return {id: e.id, font: Object.assign({}, e.font, {size: Math.max(e.font ? e.font.size : 12, (READABLE_PX - 1) / scale)})};
      }));
    }
    function home() {
      // readable scale, starting a little before the first changed step
      if (rowH !== data.rowH) { layout(data.rowH); }
      network.fit({animation: false});
      const fitScale = network.getScale();
      const scale = Math.max(fitScale, 0.5);
      if (scale > fitScale) {
        const w = container.clientWidth / scale;
        const x0 = data.focus === null ? ext.x0 : Math.max(ext.x0, data.focus - 1.8 * labels.xstep);
        network.moveTo({position: {x: x0 + w / 2, y: ext.y1 / 2}, scale: scale, animation: false});
      }
      fitLabels(true);
    }
    const least = 48 / data.column;  // zoomed out, a column keeps 48 screen px: 3 CJK characters a line
    function place() {
      // the whole flow; a flow too long for the view (a phone) at its least scale, from the left
      network.fit({animation: false});
      if (network.getScale() < least) {
        network.moveTo({position: {x: ext.x0 + container.clientWidth / least / 2, y: ext.y1 / 2}, scale: least, animation: false});
      }
    }
    function whole() {
      // lanes stretched to the height of the view; the shortened labels change the size of the
      // steps, so place, stretch, label and place again
      for (let i = 0; i < 3; i++) {
        place();
        layout(Math.max(data.rowH, container.clientHeight * 0.94 / network.getScale() / data.bands.length));
        fitLabels(true);
      }
      place();
      fitLabels(true);
    }
    network.on('zoom', function () { fitLabels(false); });
    network.once('afterDrawing', function () { home(); done(); });
    box.querySelector('button.fm-fit').addEventListener('click', whole);
    box.querySelector('button.fm-home').addEventListener('click', home);
    box.querySelector('.fm-cmp-shield').addEventListener('click', function () { box.classList.add('fm-cmp-live'); });
    return network;
  }

  const all = document.querySelectorAll('[data-fm-graph]');
  let pending = all.length;
  window.flowmapNetworks = [];
  for (const container of all) {
    window.flowmapNetworks.push(graph(container, function () {
      pending -= 1;
      if (!pending) { document.body.setAttribute('data-graph-ready', '1'); }
    }));
  }
})();
