// ktstr HTML report: draws the chart-ready view (script#ktstr-view) that
// ktstr computed from the run (script#ktstr-run) with uPlot. No network.
// When done it writes "ok:N charts, 0 errors" (or "error:...") into
// #ktstr-render-status; the headless-browser test reads that.
(function () {
  "use strict";
  var errors = [];
  var charts = 0;
  window.addEventListener("error", function (e) {
    errors.push(String(e.message || e));
  });

  var PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
                 "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"];
  var VERDICT_CLASS = {pass: "v-pass", fail: "v-fail", skip: "v-skip",
                       inconclusive: "v-inconclusive", flaky: "v-flaky"};

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function badge(verdict) { return el("span", "badge " + (VERDICT_CLASS[verdict] || ""), verdict); }
  function color(i) { return PALETTE[i % PALETTE.length]; }
  function fmt(v) {
    if (v === null || v === undefined) return "-";
    var a = Math.abs(v);
    if (a >= 1000) return Math.round(v).toLocaleString("en-US");
    if (a >= 100) return v.toFixed(1);
    if (a >= 1) return v.toFixed(2);
    if (a === 0) return "0";
    return v.toPrecision(3);
  }
  // The plot fills its card (which the CSS grid sizes).
  function chartWidth(holder) {
    return Math.max(300, (holder.clientWidth || 640) - 4);
  }

  // One chart in a card; failures are counted, not fatal for the page.
  function addChart(parent, title, note, build) {
    var card = el("div", "chart");
    card.appendChild(el("h4", null, title));
    if (note) card.appendChild(el("p", "note", note));
    var holder = el("div", "plot");
    card.appendChild(holder);
    parent.appendChild(card);
    try {
      var spec = build(chartWidth(holder));
      spec.opts.legend = spec.opts.legend || {live: false};
      new uPlot(spec.opts, spec.data, holder);
      charts++;
    } catch (e) {
      errors.push(title + ": " + (e && e.message ? e.message : e));
      holder.appendChild(el("p", "chart-error", "chart failed: " + e));
    }
  }

  // Categorical x axis: index i shows labels[i].
  function categoryAxis(labels) {
    var step = Math.max(1, Math.ceil(labels.length / 24));
    return {
      splits: function () {
        var s = [];
        for (var i = 0; i < labels.length; i += step) s.push(i);
        return s;
      },
      values: function (u, splits) {
        return splits.map(function (i) { return labels[i] === undefined ? "" : labels[i]; });
      },
      rotate: labels.length > 8 ? -40 : 0,
      size: labels.length > 8 ? 80 : 40,
      grid: {show: false},
    };
  }
  function barSeries(label, stroke) {
    return {label: label, stroke: stroke, fill: stroke + "b0", width: 1,
            paths: uPlot.paths.bars({size: [0.6, 80]}), points: {show: false},
            value: function (u, v) { return fmt(v); }};
  }
  function indices(n) {
    var x = [];
    for (var i = 0; i < n; i++) x.push(i);
    return x;
  }
  function barChart(width, labels, seriesList, yLabel, yMax) {
    var series = [{label: "x"}];
    var data = [indices(labels.length)];
    seriesList.forEach(function (s) {
      series.push(s.series);
      data.push(s.values);
    });
    return {
      opts: {
        width: width, height: 240,
        scales: {x: {time: false, range: [-0.5, labels.length - 0.5]},
                 y: {range: function (u, lo, hi) { return [0, yMax || Math.max(1, hi * 1.1)]; }}},
        axes: [categoryAxis(labels), {label: yLabel, size: 60}],
        series: series, cursor: {drag: {x: false, y: false}},
      },
      data: data,
    };
  }

  function cgroupCharts(parent, sc) {
    var cg = sc.cgroups;
    if (!cg || !cg.names.length) return;
    addChart(parent, "CPU share by cgroup",
             cg.cpu_share_basis === "cpu_time" ? "share of all workers' CPU time"
                 : "estimated from workers x on-CPU % (run with --raw for exact CPU time)",
             function (w) {
               return barChart(w, cg.names, [{series: barSeries("CPU share %", color(0)),
                                              values: cg.cpu_share_pct}], "% of CPU time", 100);
             });
    addChart(parent, "Off-CPU % by cgroup", "bar = average worker; dots = min and max worker",
             function (w) {
               var spec = barChart(w, cg.names, [
                 {series: barSeries("avg off-CPU %", color(3)), values: cg.off_cpu_avg},
                 {series: {label: "min", stroke: color(2), paths: function () { return null; },
                           points: {show: true, size: 9, fill: color(2)}}, values: cg.off_cpu_min},
                 {series: {label: "max", stroke: color(1), paths: function () { return null; },
                           points: {show: true, size: 9, fill: color(1)}}, values: cg.off_cpu_max},
               ], "off-CPU %", 100);
               return spec;
             });
  }

  function pctLabel(x) {
    var p = 100 * (1 - Math.pow(10, -x));
    if (x === 0) return "0%";
    return (Math.abs(p - Math.round(p)) < 1e-6 ? Math.round(p) : +p.toFixed(3)) + "%";
  }
  function latencyChart(parent, title, lat) {
    if (!lat || !lat.series.length) return;
    var note = lat.basis === "samples"
        ? "wake latency by percentile, pooled samples (nearest rank); x on a 'nines' scale"
        : "p50 / p99 / p99.9 from the statistics (run with --raw for the full curve)";
    addChart(parent, title, note, function (w) {
      var series = [{label: "percentile"}];
      var data = [lat.x];
      lat.series.forEach(function (s, i) {
        series.push({label: s.name + " (" + s.samples + ")", stroke: color(i), width: 2,
                     points: {show: true, size: 5},
                     value: function (u, v) { return v == null ? "-" : fmt(v) + " us"; }});
        data.push(s.y_us);
      });
      var xmax = lat.x[lat.x.length - 1];
      return {
        opts: {
          width: w, height: 280,
          scales: {x: {time: false, range: [0, Math.max(xmax, 0.5) * 1.04]}, y: {distr: 3}},
          axes: [{label: "percentile",
                  splits: function () {
                    return [0, Math.log10(2), 1, 2, 3, 4].filter(function (v) { return v <= xmax + 1e-6; });
                  },
                  values: function (u, splits) { return splits.map(pctLabel); }},
                 {label: "wake latency (us)", size: 70}],
          series: series,
        },
        data: data,
      };
    });
  }

  // Translucent bands over each phase (step hold), labelled at the bottom.
  function drawPhases(u, ctx, phases) {
    (phases || []).forEach(function (p, i) {
      var x0 = Math.max(u.bbox.left, Math.round(u.valToPos(p.start_s, "x", true)));
      var x1 = Math.min(u.bbox.left + u.bbox.width, Math.round(u.valToPos(p.end_s, "x", true)));
      if (x1 <= x0) return;
      ctx.fillStyle = i % 2 ? "rgba(52,152,219,0.10)" : "rgba(46,204,113,0.10)";
      ctx.fillRect(x0, u.bbox.top, x1 - x0, u.bbox.height);
      ctx.fillStyle = "#333";
      ctx.fillText(p.name + " (" + p.scheduler + ")", x0 + 4 * devicePixelRatio,
                   u.bbox.top + u.bbox.height - 16 * devicePixelRatio);
    });
  }
  function markerPlugin(markers, phases) {
    return {hooks: {draw: function (u) {
      var ctx = u.ctx;
      ctx.save();
      ctx.font = Math.round(10 * devicePixelRatio) + "px sans-serif";
      drawPhases(u, ctx, phases);
      ctx.font = Math.round(10 * devicePixelRatio) + "px sans-serif";
      ctx.textAlign = "left";
      ctx.textBaseline = "top";
      markers.forEach(function (m, i) {
        var x = Math.round(u.valToPos(m.t_s, "x", true));
        if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
        ctx.strokeStyle = m.kind === "step" ? "#555" : "#c0392b";
        ctx.setLineDash(m.kind === "step" ? [6, 4] : [2, 3]);
        ctx.beginPath();
        ctx.moveTo(x, u.bbox.top);
        ctx.lineTo(x, u.bbox.top + u.bbox.height);
        ctx.stroke();
        ctx.fillStyle = ctx.strokeStyle;
        // "step 2/2: 1 op(s), hold ..." -> "step 2/2"; ops keep their text.
        var text = m.kind === "step" ? m.label.split(":")[0] : m.label;
        if (text.length > 40) text = text.slice(0, 38) + "...";
        ctx.fillText(text, x + 4 * devicePixelRatio, u.bbox.top + (4 + 12 * (i % 4)) * devicePixelRatio);
      });
      ctx.restore();
    }}};
  }
  // The interval the scenario's host noise was measured over, shaded red when
  // it was high (green when low), with the level and its reason.
  function noiseBandPlugin(noise) {
    return {hooks: {drawClear: function (u) {
      var b = noise.band;
      var x0 = Math.max(u.bbox.left, u.valToPos(b.from_s, "x", true));
      var x1 = Math.min(u.bbox.left + u.bbox.width, u.valToPos(b.to_s, "x", true));
      if (!(x1 > x0)) return;
      var ctx = u.ctx;
      ctx.save();
      ctx.fillStyle = noise.level === "high" ? "rgba(197, 34, 31, 0.12)" : "rgba(30, 142, 62, 0.06)";
      ctx.fillRect(x0, u.bbox.top, x1 - x0, u.bbox.height);
      ctx.fillStyle = noise.level === "high" ? "#c5221f" : "#1e8e3e";
      ctx.font = Math.round(10 * devicePixelRatio) + "px sans-serif";
      ctx.textBaseline = "bottom";
      var text = "host noise " + noise.level + (noise.why ? ": " + noise.why : "");
      if (text.length > 90) text = text.slice(0, 88) + "...";
      ctx.fillText(text, x0 + 4 * devicePixelRatio, u.bbox.top + u.bbox.height - 4 * devicePixelRatio);
      ctx.restore();
    }}};
  }
  function timelineChart(parent, tl, noise) {
    if (!tl) return;
    addChart(parent, "Iterations over time",
             "cumulative iterations per cgroup at each timeline event; dashed = step, dotted = op; " +
             "bands = phases (step holds) with the scheduler at their start" +
                 (noise ? "; shaded = host noise measured (" + noise.level + ")" : ""),
             function (w) {
               var series = [{label: "t (s)"}];
               var data = [tl.t_s];
               tl.series.forEach(function (s, i) {
                 series.push({label: s.name, stroke: color(i), width: 2, spanGaps: false,
                              points: {show: true, size: 6},
                              value: function (u, v) { return fmt(v); }});
                 data.push(s.y);
               });
               return {
                 opts: {width: w, height: 280, scales: {x: {time: false}},
                        axes: [{label: "seconds since scenario start"},
                               {label: "iterations", size: 80}],
                        series: series,
                        plugins: noise ? [noiseBandPlugin(noise), markerPlugin(tl.markers, tl.phases)]
                                       : [markerPlugin(tl.markers, tl.phases)]},
                 data: data,
               };
             });
  }

  // Monitor heat strip: a row per CPU, a column per point; grey = idle,
  // blue = busy, orange to red = 2 or more runnable workers queued there;
  // stranded windows as red bars under the rows.
  function heatStrip(parent, mon) {
    if (!mon || !mon.t_ms.length) return;
    var card = el("div", "chart");
    card.appendChild(el("h4", null, "CPUs over time (monitor)"));
    card.appendChild(el("p", "note", mon.note +
                        "; grey idle, blue busy, orange/red 2+ workers runnable"));
    var holder = el("div", "plot");
    card.appendChild(holder);
    parent.appendChild(card);
    try {
      var rows = mon.cpus.length, cols = mon.t_ms.length, rowH = 12;
      var c = document.createElement("canvas");
      c.width = chartWidth(holder);
      c.height = (rows + 1) * rowH + 16;
      holder.appendChild(c);
      var g = c.getContext("2d"), left = 48, colW = (c.width - left) / cols;
      var tMax = mon.t_ms[cols - 1] || 1;
      g.font = "10px sans-serif";
      for (var r = 0; r < rows; r++) {
        g.fillStyle = "#333";
        g.fillText("cpu" + mon.cpus[r], 2, r * rowH + 10);
        for (var k = 0; k < cols; k++) {
          var busy = 1 - mon.idle_pct[r][k] / 100, q = mon.runnable[r][k];
          g.fillStyle = q >= 2 ? "rgb(255," + Math.max(0, 200 - 60 * (q - 2)) + ",0)"
                               : "rgba(31,119,180," + (0.1 + 0.9 * busy).toFixed(2) + ")";
          g.fillRect(left + k * colW, r * rowH, Math.ceil(colW), rowH - 1);
        }
      }
      g.fillStyle = "#d62728";
      mon.stranded.forEach(function (s) {
        g.fillRect(left + s.from_ms / tMax * (c.width - left), rows * rowH + 2,
                   Math.max(2, (s.to_ms - s.from_ms) / tMax * (c.width - left)), rowH - 4);
      });
      g.fillStyle = "#333";
      g.fillText("0 s", left, c.height - 2);
      g.fillText(fmt(tMax / 1000) + " s", c.width - 40, c.height - 2);
      mon.stranded.forEach(function (s) {
        card.appendChild(el("p", "warning", "stranded: " + s.text));
      });
      charts++;
    } catch (e) {
      errors.push("monitor: " + (e && e.message ? e.message : e));
    }
  }

  function migrationChart(parent, mig) {
    if (!mig) return;
    addChart(parent, "Migrations per " + mig.per,
             mig.per === "worker" ? "CPU migrations of each worker (cgroup/worker index)"
                 : "per cgroup (run with --raw for per-worker counts)",
             function (w) {
               return barChart(w, mig.labels, [{series: barSeries("migrations", color(4)),
                                                values: mig.values}], "migrations");
             });
  }

  function table(columns, rows) {
    var t = el("table", "stats");
    var head = el("tr");
    columns.forEach(function (c) { head.appendChild(el("th", null, c)); });
    t.appendChild(head);
    rows.forEach(function (r) {
      var tr = el("tr");
      r.forEach(function (c) { tr.appendChild(el("td", null, c)); });
      t.appendChild(tr);
    });
    return t;
  }

  function header(app, view) {
    var h = el("header");
    var title = el("h1", null, "ktstr report ");
    title.appendChild(badge(view.verdict));
    h.appendChild(title);
    var host = view.host || {};
    var facts = [
      ["started", view.started_at], ["duration", fmt(view.duration_ms / 1000) + " s"],
      ["host", host.hostname], ["kernel", host.kernel], ["CPU", host.cpu_model],
      ["topology", host.topology + (host.cpus ? " (" + host.cpus + " CPUs)" : "")],
      ["scheduler", host.scheduler], ["cgroups", host.cgroup_layout],
      ["ktstr", view.ktstr_version],
    ];
    var dl = el("dl", "facts");
    facts.forEach(function (f) {
      if (!f[1]) return;
      dl.appendChild(el("dt", null, f[0]));
      dl.appendChild(el("dd", null, f[1]));
    });
    h.appendChild(dl);
    var counts = el("p", "counts");
    Object.keys(view.counts || {}).forEach(function (k) {
      counts.appendChild(badge(k));
      counts.appendChild(document.createTextNode(" " + view.counts[k] + "  "));
    });
    h.appendChild(counts);
    app.appendChild(h);
  }

  function failures(app, view) {
    if (!view.failures.length) return;
    var box = el("section", "failures");
    box.appendChild(el("h2", null, "Failures and evidence"));
    view.failures.forEach(function (f) {
      var item = el("div", "failure");
      var h = el("h3", null, f.scenario + " ");
      h.appendChild(badge(f.verdict));
      item.appendChild(h);
      if (f.noise_downgraded) {
        item.appendChild(el("p", "noise-downgraded", "inconclusive because of host noise"));
      }
      if (f.reason) item.appendChild(el("p", "reason", f.reason));
      var ul = el("ul");
      f.evidence.forEach(function (line) { ul.appendChild(el("li", null, line)); });
      item.appendChild(ul);
      box.appendChild(item);
    });
    app.appendChild(box);
  }

  function noiseLine(parent, noise) {
    if (!noise) return;
    parent.appendChild(el("p", "noise noise-" + noise.level, noise.summary));
    if (noise.verdict_downgraded) {
      parent.appendChild(el("p", "noise-downgraded",
                            "inconclusive because of host noise: " +
                                noise.downgraded_checks.join(", ") +
                                " failed while the host was busy (rerun on a quiet machine, " +
                                "or --ignore-noise to count it as a failure)"));
    }
  }

  function noiseChart(app, noise) {
    if (!noise) return;
    var box = el("section", "noise-run");
    box.appendChild(el("h2", null, "Host noise"));
    if (noise.run_summary) box.appendChild(el("p", "noise noise-" + noise.run_level, noise.run_summary));
    var grid = el("div", "grid");
    box.appendChild(grid);
    app.appendChild(box);
    var labels = noise.labels.map(function (l, i) {
      return noise.verdict_downgraded[i] ? l + " *" : l;
    });
    addChart(grid, "Host noise by scenario",
             "each measure in % of wall time (outside load: of the measured CPUs), scenarios in " +
                 "run order; dashed: the bounds above which noise is high; * = inconclusive " +
                 "because of noise",
             function (w) {
               var list = noise.series.map(function (s, i) {
                 var bound = s.kind === "bound";
                 return {series: {label: s.name, stroke: color(i), width: bound ? 1 : 2,
                                  dash: bound ? [6, 4] : undefined, spanGaps: false,
                                  points: {show: true, size: bound ? 4 : 7},
                                  value: function (u, v) { return fmt(v); }},
                         values: s.values};
               });
               return barChart(w, labels, list, "%");
             });
  }

  function scenario(app, sc) {
    var sec = el("section", "scenario");
    sec.id = sc.id;
    var h = el("h2", null, sc.label + " ");
    h.appendChild(badge(sc.verdict));
    sec.appendChild(h);
    var meta = [sc.category, fmt(sc.duration_ms / 1000) + " s", sc.description].filter(Boolean);
    sec.appendChild(el("p", "meta", meta.join(" · ")));
    if (sc.reason) sec.appendChild(el("p", "reason", sc.reason));
    noiseLine(sec, sc.noise);
    if (sc.checks.length) {
      var ul = el("ul", "checks");
      sc.checks.forEach(function (c) {
        var li = el("li");
        li.appendChild(badge(c.verdict));
        li.appendChild(el("b", null, " " + c.name + " "));
        li.appendChild(document.createTextNode(c.text.replace(/^[a-z]+: /, "")));
        ul.appendChild(li);
      });
      sec.appendChild(ul);
    }
    if (sc.attempts && sc.attempts.length) {
      var ol = el("ol", "attempts");
      sc.attempts.forEach(function (a) {
        var li = el("li");
        li.appendChild(badge(a.verdict));
        li.appendChild(document.createTextNode(" " + a.text.replace(/^attempt \d+\/\d+: \S+\s*/, "") +
                                               " (" + fmt(a.duration_ms / 1000) + " s)"));
        ol.appendChild(li);
      });
      sec.appendChild(el("p", "meta", "attempts (--confirm):"));
      sec.appendChild(ol);
    }
    var grid = el("div", "grid");
    sec.appendChild(grid);
    app.appendChild(sec);
    cgroupCharts(grid, sc);
    latencyChart(grid, "Wake latency by cgroup", sc.latency_by_cgroup);
    latencyChart(grid, "Wake latency by work type", sc.latency_by_work_type);
    timelineChart(grid, sc.timeline, sc.noise);
    migrationChart(grid, sc.migrations);
    heatStrip(grid, sc.monitor);
    if (sc.table.rows.length) sec.appendChild(table(sc.table.columns, sc.table.rows));
    sc.warnings.forEach(function (w) { sec.appendChild(el("p", "warning", "warning: " + w)); });
  }

  function main() {
    var status = document.getElementById("ktstr-render-status");
    try {
      var view = JSON.parse(document.getElementById("ktstr-view").textContent);
      JSON.parse(document.getElementById("ktstr-run").textContent);  // must parse too
      var app = document.getElementById("app");
      document.title = view.title;
      header(app, view);
      failures(app, view);
      noiseChart(app, view.noise);
      view.scenarios.forEach(function (sc) { scenario(app, sc); });
    } catch (e) {
      errors.push("report: " + (e && e.message ? e.message : e));
    }
    finish(status);
    // uPlot draws in a microtask: look again once that has run.
    setTimeout(function () { finish(status); }, 0);
  }

  function finish(status) {
    var problems = errors.slice();
    var canvases = document.querySelectorAll(".plot canvas").length;
    if (canvases < charts) problems.push(canvases + " canvases for " + charts + " charts");
    status.textContent = (problems.length ? "error:" : "ok:") + charts + " charts, " +
        problems.length + " errors" + (problems.length ? ": " + problems[0] : "");
  }

  if (typeof uPlot === "undefined") {
    errors.push("uPlot is missing");
  }
  main();
})();
