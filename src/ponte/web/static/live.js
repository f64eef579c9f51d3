// The streamer's control panel: figures over server-sent events, the countdown ticking, live charts.
(function () {
  "use strict";
  var source = null, ticker = null;

  function clock(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var mm = (m < 10 ? "0" : "") + m, ss = (s < 10 ? "0" : "") + s;
    return h ? h + ":" + mm + ":" + ss : mm + ":" + ss;
  }

  function setText(selector, text, root) {
    (root || document).querySelectorAll(selector).forEach(function (el) {
      if (el.textContent !== text) { el.textContent = text; }
    });
  }

  function bars(svg, values, labels) {
    var peak = Math.max.apply(null, values.concat([1])), ns = "http://www.w3.org/2000/svg";
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
    values.forEach(function (n, i) {
      var rect = document.createElementNS(ns, "rect"), h = n / peak * 96, title = document.createElementNS(ns, "title");
      rect.setAttribute("class", "bar");
      rect.setAttribute("x", String(i * 20)); rect.setAttribute("width", "18");
      rect.setAttribute("y", String(100 - h)); rect.setAttribute("height", String(h));
      title.textContent = (labels[i] || "") + ": " + n;
      rect.appendChild(title); svg.appendChild(rect);
    });
  }

  function line(svg, points) {
    var poly = svg.querySelector("polyline");
    if (!poly || points.length < 1) { return; }
    var peak = Math.max.apply(null, points.concat([1])), step = 300 / Math.max(points.length - 1, 1);
    poly.setAttribute("points", points.map(function (v, i) {
      return (i * step).toFixed(1) + "," + (100 - v / peak * 96).toFixed(1);
    }).join(" "));
  }

  function notify(panel, text) {
    var box = document.getElementById("notices");
    if (!box) { return; }
    var item = document.createElement("p");
    item.className = "notice notice-sold-out";
    item.textContent = text;
    box.appendChild(item);
  }

  function start(panel) {
    var countdown = document.getElementById("countdown"), deadline = null, gmv = [], soldOut = {};
    panel.querySelectorAll("[data-sold-out]").forEach(function (el) { soldOut[el.getAttribute("data-sold-out")] = true; });
    if (countdown && countdown.dataset.state !== "closed") {
      deadline = Date.now() + Number(countdown.dataset.seconds) * 1000;
    }
    ticker = window.setInterval(function () {
      if (deadline === null || !countdown) { return; }
      var left = Math.ceil((deadline - Date.now()) / 1000);
      countdown.textContent = clock(left);
      countdown.classList.toggle("ending", left <= 30);
    }, 250);
    if (!window.EventSource) { return; }
    source = new EventSource(panel.dataset.events);
    source.addEventListener("figures", function (event) {
      var data = JSON.parse(event.data), text = data.text;
      ["paid-orders", "paid-gmv", "held-orders", "held-gmv"].forEach(function (key) {
        setText('[data-fig="' + key + '"]', text[key], panel);
      });
      Object.keys(text.left).forEach(function (id) {
        setText('[data-offer-left="' + id + '"]', text.left[id], panel);
        var offer = data.offers[id];
        if (offer.sold_out && offer.state === "open" && !soldOut[id]) {
          soldOut[id] = true;
          notify(panel, panel.dataset.textSoldOut + ": " + data.titles[id]);
          setText('[data-offer-state="' + id + '"]', panel.dataset.textSoldOut, panel);
        }
      });
      if (countdown && data.offers[countdown.dataset.offer]) {
        var pinned = data.offers[countdown.dataset.offer];
        if (pinned.state === "closed") { deadline = null; countdown.textContent = "—"; }
        else { deadline = Date.now() + pinned.seconds * 1000; }
      }
      bars(document.getElementById("chart-orders"), data.per_minute.map(function (m) { return m.orders; }), text.minutes);
      gmv.push(Number(data.paid.gmv));
      if (gmv.length > 120) { gmv.shift(); }
      line(document.getElementById("chart-gmv"), gmv);
      panel.dataset.updated = data.at;
    });
  }

  function stop() {
    if (source) { source.close(); source = null; }
    if (ticker) { window.clearInterval(ticker); ticker = null; }
  }

  function boot() {
    stop();
    var panel = document.querySelector("[data-live-panel]");
    if (panel) { start(panel); }
  }

  document.addEventListener("DOMContentLoaded", boot);
  document.addEventListener("htmx:beforeSwap", stop);
  document.addEventListener("htmx:afterSettle", boot);
  window.addEventListener("pagehide", stop);
  if (document.readyState !== "loading") { boot(); }
})();
