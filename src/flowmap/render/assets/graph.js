(function () {
  // The lane graph of `flowmap view` and `flowmap report`. Every text comes from JSON and
  // reaches the page through textContent or the canvas, never as HTML.
  const data = JSON.parse(document.getElementById('flowmap-graph-data').textContent);
  const labels = JSON.parse(document.getElementById('flowmap-labels').textContent);
  const full = {};
  for (const n of data.nodes) {
    n.title = flowmapLanes.tip(data.tips[n.id], labels.findings);
    full[n.id] = {label: n.label, font: Object.assign({}, n.font), widthConstraint: n.widthConstraint};
  }
  const nodes = new vis.DataSet(data.nodes);
  const container = document.getElementById('flowmap-graph');
  const network = new vis.Network(container, {nodes: nodes, edges: new vis.DataSet(data.edges)}, data.options);
  const ext = data.extent;
  flowmapLanes.paintBands(network, data);

  // Lane names live in a gutter left of the canvas, so they never sit on a step; they follow
  // the bands as the view pans and zooms.
  const gutter = document.getElementById('fm-lanes');
  const laneDivs = data.bands.map(function (b) {
    const d = document.createElement('div');
    d.className = 'fm-lane' + (b.customer ? ' customer' : '');
    d.textContent = b.name;
    d.title = b.name;
    gutter.appendChild(d);
    return d;
  });
  function placeLanes() {
    data.bands.forEach(function (b, i) {
      const top = network.canvasToDOM({x: 0, y: b.y0}).y;
      const bottom = network.canvasToDOM({x: 0, y: b.y1}).y;
      const d = laneDivs[i];
      d.style.top = top + 'px';
      d.style.height = Math.max(0, bottom - top) + 'px';
      d.style.fontSize = Math.max(9, Math.min(13, (bottom - top) * 0.55)) + 'px';
    });
  }

  // Zoomed out (the whole flow), a step shows its id and a name shortened to its column, in
  // type that stays readable; the full name and details are on hover. Zoomed in: the full label.
  const READABLE_PX = 11;
  let shownScale = null;
  let rowH = data.rowH;
  function layout(h) {
    // lane bands of height h (canvas units), each step in the middle of its lane
    rowH = h;
    data.bands.forEach(function (b, i) { b.y0 = i * h; b.y1 = (i + 1) * h; });
    ext.y1 = data.bands.length * h;
    nodes.update(data.nodes.map(function (n) { return {id: n.id, y: (n.fm_lane + 0.5) * h}; }));
  }
  function width(ch) { return /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1; }
  function shorten(text, units) {
    let out = '', used = 0;
    for (const ch of text) {
      const w = width(ch);
      if (used + w > units) { return out.replace(/\s+$/, '') + '…'; }
      out += ch; used += w;
    }
    return out;
  }
  function take(text, units) {
    // [the part of text that fits in units, the rest]
    let used = 0, i = 0;
    const chars = Array.from(text);
    for (; i < chars.length; i++) {
      const w = width(chars[i]);
      if (used + w > units) { break; }
      used += w;
    }
    return [chars.slice(0, i).join(''), chars.slice(i).join('').replace(/^\s+/, '')];
  }
  function fitLabels(force) {
    const scale = network.getScale();
    const compact = scale < data.compactBelow;
    if (!force && shownScale !== null && Math.abs(scale - shownScale) / shownScale < 0.08 && compact === (shownScale < data.compactBelow)) { return; }
    shownScale = scale;
    const updates = [];
    for (const n of data.nodes) {
      if (!compact) {
        updates.push(Object.assign({id: n.id}, full[n.id]));
        continue;
      }
      const size = READABLE_PX / scale;
      const boxPx = data.column * 0.95 * scale;            // on-screen width a step may take
      const units = Math.max(4, Math.floor((boxPx - 8) / (READABLE_PX * 0.5)));  // a CJK character is 2 units
      const room = Math.max(2, Math.min(7, Math.floor(rowH * scale * 0.85 / (READABLE_PX * 1.3))));
      const lines = [n.fm_id];  // the id whole (a crimson / purple frame marks findings); the name as far as it fits
      let rest = n.fm_name;
      while (rest && lines.length < room - 1) { const part = take(rest, units); lines.push(part[0]); rest = part[1]; }
      if (rest) { lines.push(shorten(rest, units)); }
      updates.push({id: n.id, label: lines.join('\n'),
                    font: Object.assign({}, full[n.id].font, {size: size}),
                    widthConstraint: {minimum: data.column * 0.5, maximum: data.column * 0.95}});
    }
    nodes.update(updates);
  }

  network.on('afterDrawing', placeLanes);
  network.on('zoom', function () { fitLabels(); });
  function home() {
    // readable scale, starting at the first steps; 'fit' shows the whole flow
    if (rowH !== data.rowH) { layout(data.rowH); }
    network.fit({animation: false});
    const fitScale = network.getScale();
    const scale = Math.max(fitScale, 0.8);
    if (scale > fitScale) {
      const w = container.clientWidth / scale;
      network.moveTo({position: {x: ext.x0 + w / 2 - 40 / scale, y: ext.y1 / 2}, scale: scale, animation: false});
    }
    fitLabels();
  }
  function whole() {
    // the whole flow: lanes stretched to the height of the view, steps labelled in readable type;
    // the shortened labels change the size of the steps, so fit, stretch, label and fit again
    for (let i = 0; i < 3; i++) {
      network.fit({animation: false});
      const scale = network.getScale();
      layout(Math.max(data.rowH, container.clientHeight * 0.94 / scale / data.bands.length));
      fitLabels(true);
    }
    network.fit({animation: false});
    fitLabels(true);
  }
  network.once('afterDrawing', function () {
    home();
    document.body.setAttribute('data-graph-ready', '1');
  });
  document.getElementById('fm-fit').addEventListener('click', whole);
  document.getElementById('fm-home').addEventListener('click', home);
  window.flowmapNetwork = network;
  window.flowmapWhole = whole;
})();
