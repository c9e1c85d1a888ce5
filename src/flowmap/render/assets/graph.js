(function () {
  // The lane graph of `flowmap view` and `flowmap report`. Every text comes from JSON and
  // reaches the page through textContent or the canvas, never as HTML.
  const data = JSON.parse(document.getElementById('flowmap-graph-data').textContent);
  const labels = JSON.parse(document.getElementById('flowmap-labels').textContent);
  const full = {};
  const home_x = {};
  for (const n of data.nodes) {
    full[n.id] = {label: n.label, font: Object.assign({}, n.font), widthConstraint: n.widthConstraint, heightConstraint: false};
    home_x[n.id] = n.x;
  }
  data.edges.forEach(function (e, i) { e.id = 'e' + i; });
  const nodes = new vis.DataSet(data.nodes);
  const edges = new vis.DataSet(data.edges);
  const container = document.getElementById('flowmap-graph');
  const network = new vis.Network(container, {nodes: nodes, edges: edges}, data.options);
  const ext = data.extent;
  const home_ext = {x0: ext.x0, x1: ext.x1, y1: ext.y1};
  const lanes = data.bands.map(function (b) { return {name: b.name, customer: b.customer}; });
  const columns = Math.max(1, Math.round((ext.x1 - ext.x0) / data.column));
  flowmapLanes.paintBands(network, data);

  // Lane names live in a gutter left of the canvas, so they never sit on a step; they follow
  // the bands as the view pans and zooms (one name per band: a wrapped overview repeats them).
  const gutter = document.getElementById('fm-lanes');
  let laneDivs = [];
  function laneNames() {
    gutter.textContent = '';
    laneDivs = data.bands.map(function (b) {
      const d = document.createElement('div');
      d.className = 'fm-lane' + (b.customer ? ' customer' : '');
      d.textContent = b.name;
      d.title = b.name;
      gutter.appendChild(d);
      return d;
    });
  }
  laneNames();
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
  const MIN_COL_PX = 100;   // a column of the overview: about seven CJK characters a line
  const MIN_LANE_PX = 64;   // a lane of the overview: the id and three lines of the name
  const BOX = 0.86;         // a step takes this share of its column, leaving room for the arrow to the next
  const measure = document.createElement('canvas').getContext('2d');
  measure.font = READABLE_PX + 'px ' + labels.font;
  let shownScale = null;
  let rowH = data.rowH;
  let outs = {};            // in a strip layout: step id -> the targets drawn in another strip
  let laidOut = 'home' + columns;  // the steps stand where lanes.py put them: one strip, every lane
  const HOME_SCALE = 0.8;   // the readable scale of the start view
  const widths = {};
  function w(ch) {
    // the width of one character at the readable size (cached: a flow has few distinct ones)
    if (widths[ch] === undefined) { widths[ch] = measure.measureText(ch).width; }
    return widths[ch];
  }
  function take(text, px) {
    // [the part of text that fits in px at the readable size, the rest]
    const chars = Array.from(text);
    let i = 0, used = 0;
    for (; i < chars.length; i++) {
      used += w(chars[i]);
      if (used > px) { break; }
    }
    if (i === 0 && chars.length) { i = 1; }  // one character always goes
    return [chars.slice(0, i).join(''), chars.slice(i).join('').replace(/^\s+/, '')];
  }
  function shorten(text, px) {
    let all = 0;
    for (const ch of text) { all += w(ch); }
    if (all <= px) { return text; }
    return take(text, px - w('…'))[0].replace(/\s+$/, '') + '…';
  }
  function fitLabels(force) {
    const scale = network.getScale();
    const compact = scale < data.compactBelow;
    if (!force && shownScale !== null && Math.abs(scale - shownScale) / shownScale < 0.08 && compact === (shownScale < data.compactBelow)) { return; }
    shownScale = scale;
    const updates = [];
    for (const n of data.nodes) {
      if (!compact) {
        const more = outs[n.id] ? {label: full[n.id].label + '\n→ ' + outs[n.id].join(', ')} : {};
        updates.push(Object.assign({id: n.id}, full[n.id], more));
        continue;
      }
      const size = READABLE_PX / scale;
      const boxPx = data.column * BOX * scale;                  // on-screen width a step takes
      // The frame is drawn in screen pixels whatever the zoom: the box takes the width of its
      // column and the text keeps 4 px clear of the frame on every side.
      const side = (n.borderWidth || 1) + 4;
      const px = Math.max(2 * READABLE_PX, boxPx - 2 * side);
      const room = Math.max(2, Math.min(7, Math.floor((rowH * scale * 0.9 - 2 * (side - 2) - 16 * scale) / READABLE_PX)));
      const head = outs[n.id] ? n.fm_id + ' → ' + outs[n.id].join(', ') : n.fm_id;
      const lines = [shorten(head, px)];  // the id whole (a crimson / purple frame marks findings); the name as far as it fits
      let rest = n.fm_name;
      while (rest && lines.length < room - 1) { const part = take(rest, px); lines.push(part[0]); rest = part[1]; }
      if (rest) { lines.push(shorten(rest, px)); }
      updates.push({id: n.id, label: lines.join('\n'),
                    font: Object.assign({}, full[n.id].font, {size: size}),
                    // (a constraint changed after the first drawing is the label's size, without the margins)
                    widthConstraint: {minimum: data.column * BOX - 16, maximum: data.column * BOX - 16},
                    heightConstraint: {minimum: (lines.length * READABLE_PX + 2 * (side - 2)) / scale, valign: 'middle'}});
    }
    nodes.update(updates);
    // arrow labels (shares, ⇄) in readable type too
    edges.update(data.edges.map(function (e) {
      return {id: e.id, font: Object.assign({}, e.font, {size: compact ? 10 / scale : e.font.size})};
    }));
  }

  function cut(per) {
    // Cut the flow into strips of per columns: the strip of each step (steps half a column
    // apart may share a strip edge) and, per strip, the rows of the lanes it uses (lane index
    // -> row); one strip keeps every lane.
    const strips = per >= columns ? 1 : Math.ceil(columns / per);
    const width = strips === 1 ? 0 : per * data.column;
    const stripOf = {}, used = [];
    for (let s = 0; s < strips; s++) { used.push(new Set(strips === 1 ? lanes.map(function (la, i) { return i; }) : [])); }
    for (const n of data.nodes) {
      const s = strips === 1 ? 0 : Math.floor((home_x[n.id] - home_ext.x0 - data.column * 0.25) / width);
      stripOf[n.id] = Math.max(0, Math.min(strips - 1, s));
      used[stripOf[n.id]].add(n.fm_lane);
    }
    const rows = [];
    let count = 0;
    for (const u of used) {
      const row = {};
      for (const i of Array.from(u).sort(function (a, b) { return a - b; })) { row[i] = count++; }
      rows.push(row);
    }
    return {strips: strips, width: width, stripOf: stripOf, rows: rows, count: count};
  }

  function layout(h, per) {
    // Lane bands of height h (canvas units), each step in the middle of its lane. per: columns
    // of one strip; when the flow is wider, it is cut into strips stacked top to bottom, read
    // like lines of text, each with the lanes its steps use; an arrow into another strip is
    // named on the step it leaves.
    rowH = h;
    const c = cut(per);
    const bands = [];
    c.rows.forEach(function (row, s) {
      Object.keys(row).map(Number).sort(function (a, b) { return a - b; }).forEach(function (i, j) {
        const k = row[i];
        bands.push({name: lanes[i].name, customer: lanes[i].customer, shade: k % 2, y0: k * h, y1: (k + 1) * h, strip: j === 0 && s > 0});
      });
    });
    data.bands = bands;
    laneNames();
    nodes.update(data.nodes.map(function (n) {
      const s = c.stripOf[n.id];
      return {id: n.id, x: home_x[n.id] - s * c.width, y: (c.rows[s][n.fm_lane] + 0.5) * h};
    }));
    outs = {};
    edges.update(data.edges.map(function (e) {
      const away = c.stripOf[e.from] !== c.stripOf[e.to];
      if (away) { (outs[e.from] = outs[e.from] || []).push(e.to); }
      return {id: e.id, hidden: away};
    }));
    ext.x0 = c.strips === 1 ? home_ext.x0 : home_ext.x0 - data.column * 0.25;
    ext.x1 = c.strips === 1 ? home_ext.x1 : home_ext.x0 + c.width + data.column * 0.75;
    ext.y1 = bands.length * h;
    return c.strips;
  }

  // The hover card of a step is built when the pointer first reaches it (before the tooltip
  // delay ends), not for every step up front: a flow of thousands of steps opens faster.
  const carded = {};
  network.on('hoverNode', function (p) {
    if (carded[p.node]) { return; }
    carded[p.node] = true;
    nodes.update({id: p.node, title: flowmapLanes.tip(data.tips[p.node], labels.findings)});
  });
  network.on('afterDrawing', placeLanes);
  network.on('zoom', function () { fitLabels(); });
  function show(scale, top) {
    // the given scale, the left edge of the lanes at the left, y=top of the canvas at the top
    const w = container.clientWidth / scale, hgt = container.clientHeight / scale;
    network.moveTo({position: {x: ext.x0 - 10 / scale + w / 2, y: top + hgt / 2}, scale: scale, animation: false});
  }
  function home() {
    // Readable scale, starting at the first steps; 'whole flow' shows everything. A flow of few
    // lanes wider than the view is cut into strips here too, so that the steps fill the height
    // instead of one band in the middle of an empty canvas.
    const W = container.clientWidth, H = container.clientHeight;
    let per = columns;
    if (columns * data.column * HOME_SCALE > W - 20 && 2 * lanes.length * data.rowH * HOME_SCALE <= H) {
      per = Math.max(1, Math.floor((W - 20) / HOME_SCALE / data.column) - 1);
    }
    if (laidOut !== 'home' + per) { layout(data.rowH, per); laidOut = 'home' + per; }
    const fitScale = Math.min(W / (ext.x1 - ext.x0 + 20), H / ext.y1);
    const scale = Math.max(fitScale, HOME_SCALE);
    const top = ext.y1 * scale < H ? -(H / scale - ext.y1) / 2 : 0;  // lanes centred if they fit, else from the top
    show(scale, top);
    fitLabels();
  }
  function whole() {
    // The whole flow in readable type: choose how many strips the flow is cut into so that
    // columns and lanes are both as roomy as they can be. When even the best cut is cramped
    // (a long flow on a phone), keep columns readable, fill the width and let the reader pan
    // down through the strips.
    const W = container.clientWidth - 20, H = container.clientHeight;
    let best = null;
    for (let strips = 1; strips <= columns; strips++) {
      const per = Math.ceil(columns / strips);
      if (strips > 1 && Math.ceil(columns / per) < strips) { continue; }
      const colPx = W / (strips === 1 ? columns : per + 1);
      if (colPx > 4 * MIN_COL_PX && best !== null) { break; }  // roomier columns only cost lanes
      const rows = cut(per).count;
      const score = Math.min(colPx / MIN_COL_PX, H * 0.96 / rows / MIN_LANE_PX);
      if (best === null || score > best.score + 1e-9) { best = {score: score, per: per, colPx: colPx, rows: rows}; }
    }
    let per = best.per, scale = best.colPx / data.column;
    let h = Math.max(data.rowH, H * 0.96 / scale / best.rows);
    if (best.score < 0.7) {  // cramped: readable columns, fill the width, pan down
      per = Math.max(1, Math.floor(W / MIN_COL_PX - 1));
      if (per >= columns) { per = columns; }
      scale = W / data.column / (per >= columns ? columns : per + 1);
      h = Math.max(data.rowH, MIN_LANE_PX / scale);
    }
    const strips = layout(h, per);
    laidOut = 'whole';
    if (best.score >= 0.7) {
      scale = Math.min(W / (ext.x1 - ext.x0), H / ext.y1);
    }
    show(scale, 0);
    fitLabels(true);
    document.body.setAttribute('data-graph-strips', String(strips));
  }
  network.once('afterDrawing', function () {
    home();
    document.body.setAttribute('data-graph-ready', '1');
  });
  document.getElementById('fm-fit').addEventListener('click', whole);
  document.getElementById('fm-home').addEventListener('click', home);
  window.flowmapNetwork = network;
  window.flowmapWhole = whole;
  window.flowmapHome = home;
})();
