// The exitplan explorer: the estate as a graph, and exitplan's own answer for the
// withdrawal picked, shown as it stands on the day on the slider. Nothing is computed
// here but that filter: a node is withdrawn, broken or degraded on day D exactly when
// `exitplan simulate --horizon D` says so. Every name is set as text, never as markup.
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("exitplan-data").textContent);
  var byId = {};
  data.nodes.forEach(function (n) {
    byId[n[0]] = { id: n[0], name: n[1], kind: n[2], vendor: n[3], vendorName: n[4] };
  });
  var start = data.start ? Date.parse(data.start + "T00:00:00Z") : null;
  var picker = document.getElementById("withdraw");
  var slider = document.getElementById("day");
  var search = document.getElementById("search");

  // A label as the graph wraps it: at spaces, and in a word of 15 or more characters every
  // 8 (a zero-width space; Cytoscape wraps at nothing else, and a long word ran across
  // the canvas; helper-96). exitplan.render.explorer._title_lines counts the same lines.
  function wrappable(text) {
    return String(text).replace(/[^\s\u200b]{15,}/gu, function (word) {
      return word.match(/.{1,8}/gu).join("\u200b");
    });
  }

  // A node's label in at most three lines of its box, the rest cut with "…": a name of 120
  // characters took ten lines and ran over the nodes below (helper-96). The panel shows
  // the whole name, and Find finds it. Lines are measured in the font the graph draws, and
  // broken at spaces (not at a no-break space), a word wider than a line between the
  // characters a reader sees as one (a flag, a letter and its accent: helper-102).
  var NODE_LINES = 3;
  var NODE_TEXT_WIDTH = 130;  // the nodes' text-max-width
  var measuring = document.createElement("canvas").getContext("2d");
  measuring.font = "11px Helvetica Neue, Helvetica, sans-serif";  // the graph's, at its size
  var graphemes = typeof Intl !== "undefined" && Intl.Segmenter
    ? new Intl.Segmenter(undefined, { granularity: "grapheme" })
    : null;

  function fits(text) {
    return measuring.measureText(text).width <= NODE_TEXT_WIDTH;
  }

  function characters(text) {
    return graphemes
      ? Array.from(graphemes.segment(text), function (part) { return part.segment; })
      : Array.from(text);
  }

  function cut(word) {  // a word wider than a line, in pieces that each fit (at least one)
    var rest = characters(word);
    var pieces = [];
    while (rest.length) {
      var low = 1;
      var high = rest.length;
      while (low < high) {  // the most characters that fit, by halves
        var middle = Math.ceil((low + high) / 2);
        if (fits(rest.slice(0, middle).join(""))) low = middle;
        else high = middle - 1;
      }
      pieces.push(rest.slice(0, low).join(""));
      rest = rest.slice(low);
    }
    return pieces;
  }

  function nodeLabel(text) {
    var words = String(text).split(/[^\S\u00a0\u2007\u202f]+/u);
    var lines = [];
    var line = "";
    for (var i = 0; i < words.length && lines.length <= NODE_LINES; i++) {
      var word = words[i];
      if (!word) continue;
      if (line && fits(line + " " + word)) {
        line += " " + word;
        continue;
      }
      if (line) lines.push(line);
      var pieces = fits(word) ? [word] : cut(word);
      lines = lines.concat(pieces.slice(0, -1));
      line = pieces[pieces.length - 1];
    }
    if (line) lines.push(line);
    if (lines.length > NODE_LINES) {
      var last = characters(lines[NODE_LINES - 1]);
      while (last.length && !fits(last.join("") + "…")) last.pop();
      lines = lines.slice(0, NODE_LINES - 1).concat([last.join("").trimEnd() + "…"]);
    }
    return lines.join("\n");
  }

  function nameOf(id) {
    return byId[id] ? byId[id].name : id;
  }

  // An answer gives each node by its place in data.nodes (exitplan.simulate.explore
  // .answer), and is kept compressed (exitplan.render.explorer.kept_answer): inflated and
  // read back as ids once, when it is first shown. The maps have no prototype, so that an
  // id such as "__proto__" is a key like any other.
  var answered = Object.create(null);
  var inflating = Object.create(null);

  function idOf(place) {
    return data.nodes[place][0];
  }

  function byIds(map, value) {
    var out = Object.create(null);
    Object.keys(map).forEach(function (place) {
      out[idOf(Number(place))] = value(map[place]);
    });
    return out;
  }

  // The answer's JSON, inflated by the browser (zlib's deflate, in base64); a promise,
  // rejected when the text is not such an answer.
  function inflate(text) {
    return new Promise(function (resolve) {
      var binary = atob(text);
      var bytes = new Uint8Array(binary.length);
      for (var i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
      resolve(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate")));
    }).then(function (stream) {
      return new Response(stream).text();
    }).then(JSON.parse);
  }

  // The answer for key, then the callback with it (at once when it was read before);
  // failed, when it cannot be read.
  function withAnswer(key, then, failed) {
    if (key in answered) {
      then(answered[key]);
      return;
    }
    if (!(key in inflating)) {
      inflating[key] = inflate(data.answers[key]).then(function (raw) {
        answered[key] = readAnswer(raw);
        delete inflating[key];
        return answered[key];
      });
      inflating[key].catch(function () {
        delete inflating[key];  // asked again, it is read again
      });
    }
    inflating[key].then(then, failed);
  }

  function readAnswer(raw) {
    var node = function (place) { return place === null ? null : idOf(place); };
    var same = function (value) { return value; };
    return {
      affected: raw.affected.map(function (a) { return [idOf(a[0]), a[1] === 1, a[2], a[3]]; }),
      fails_via: byIds(raw.fails_via, node),
      degrades_via: byIds(raw.degrades_via, function (next) {
        return typeof next === "number" ? idOf(next) : next;  // or true, or null
      }),
      users: byIds(raw.users, same),
      replacements: raw.replacements.map(function (r) { return [idOf(r[0]), r[1], node(r[2])]; }),
      steps: raw.steps.map(function (s, i) {
        return [s[0], s[1], s[2].map(idOf), s[3].map(node), s[4], s[5], s[6], s[7], s[8],
          s[9].map(function (options) { return options.map(idOf); }), s[10], s[11], s[12],
          raw.status ? raw.status[i] : ""];
      }).sort(function (a, b) {  // by wave, then id, as simulate's plan table
        return a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
      }),
      finish: raw.finish,
      not_needed: (raw.not_needed || []).map(idOf),
      told: raw.told || [],
    };
  }

  // "a", "a and b", "a, b and c" ("or" in place of "and"), after a lead word when more
  // than one: "either a or b".
  function listed(words, last, lead) {
    if (words.length < 2) return words.join("");
    return lead + words.slice(0, -1).join(", ") + " " + last + " " + words[words.length - 1];
  }

  function dateOf(day) {
    if (day === null || day === undefined) return "";
    if (day === "renewal") return "at renewal (date unknown)";
    if (start === null) return "day " + day;
    var text = new Date(start + day * 86400000).toISOString().slice(0, 10);
    return day === 0 ? text : text + " (day " + day + ")";
  }

  function element(tag, text, attributes) {
    var made = document.createElement(tag);
    if (text !== undefined && text !== null) made.textContent = String(text);
    Object.keys(attributes || {}).forEach(function (key) {
      made.setAttribute(key, attributes[key]);
    });
    return made;
  }

  function owns(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key);
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  // --- choices --------------------------------------------------------------------------
  var groups = {};
  data.choices.forEach(function (c) {
    var group = groups[c[2]];
    if (!group) {
      group = groups[c[2]] = element("optgroup", null, { label: c[2] });
      picker.appendChild(group);
    }
    group.appendChild(element("option", c[1], { value: c[0] }));
  });
  if (data.components_left_out && groups.Components) {  // beyond the first 500 by id
    groups.Components.appendChild(element("option",
      "… and " + data.components_left_out.toLocaleString("en") + " more, not offered: " +
      "exitplan explore -w component:ID offers one", { disabled: "disabled", value: "" }));
  }
  if (data.choices_left_out) {  // the answers before them hold as much as a page opens well
    picker.appendChild(element("option",
      "… and " + data.choices_left_out.toLocaleString("en") + " more withdrawals, not " +
      "offered: exitplan explore -w SELECTOR offers one", { disabled: "disabled", value: "" }));
  }

  slider.max = String(Math.max(30, (data.last_day || 0) + 30));

  // --- the graph ------------------------------------------------------------------------
  var elements = [];
  var clusters = {};
  var clusterOf = {};
  var names = {};
  var order = [];
  data.nodes.forEach(function (n) {
    var cluster = n[3] ? "vendor/" + n[3] : n[2] === "service" ? "group/services" : "group/none";
    if (!clusters[cluster]) {
      clusters[cluster] = [];
      order.push(cluster);
      names[cluster] = n[4] || (n[2] === "service" ? "Services" : "No vendor");
    }
    clusters[cluster].push(n[0]);
    clusterOf[n[0]] = cluster;
  });
  // An estate with more nodes than a browser draws in good time shows each vendor as one
  // box, coloured by the worst state among its nodes; the chain picked is drawn node by
  // node beside them.
  var whole = data.draw_nodes !== false;
  var across = Math.ceil(Math.sqrt(order.length));
  if (whole) {
    // Each node where Graphviz placed it; for an estate too large for that, each
    // vendor's nodes in rows, the vendors on a grid.
    var placed = data.positions || {};
    // each row of the grid as tall as its tallest vendor, four nodes a row of it: at 600
    // pixels each, a vendor of 286 nodes ran 6,400 pixels down over those below (helper-84)
    var rowTops = [0];
    order.forEach(function (cluster, index) {
      var row = Math.floor(index / across);
      var tall = Math.max(600, Math.ceil(clusters[cluster].length / 4) * 90 + 150);
      rowTops[row + 1] = Math.max(rowTops[row + 1] || 0, rowTops[row] + tall);
    });
    order.forEach(function (cluster, index) {
      elements.push({ group: "nodes", data: { id: cluster, label: wrappable(names[cluster]) },
        classes: "cluster" });
      var x0 = (index % across) * 700;
      var y0 = rowTops[Math.floor(index / across)];
      clusters[cluster].forEach(function (id, k) {
        var n = byId[id];
        elements.push({
          group: "nodes",
          data: { id: "n/" + id, ref: id, label: nodeLabel(n.name), parent: cluster },
          classes: n.kind,
          position: placed[id]
            ? { x: placed[id][0], y: placed[id][1] }
            : { x: x0 + (k % 4) * 160, y: y0 + Math.floor(k / 4) * 90 },
        });
      });
    });
  } else {
    order.forEach(function (cluster, index) {
      elements.push({
        group: "nodes",
        data: { id: cluster, label: boxLabel(cluster, null),
          vendor: cluster.indexOf("vendor/") === 0 ? cluster.slice(7) : null },
        classes: "box",
        position: { x: (index % across) * 260, y: Math.floor(index / across) * 140 },
      });
    });
    var collapsed = document.getElementById("collapsed");
    collapsed.textContent = data.nodes.length.toLocaleString("en") +
      " components and services are too many to draw one by one: each vendor is one box, " +
      "coloured by the worst state of its nodes (click it to withdraw that vendor), and " +
      "the chain you pick is drawn in a row above them.";
    collapsed.hidden = false;
  }

  function boxLabel(cluster, tally) {
    var text = wrappable(names[cluster]) + "\n" + clusters[cluster].length.toLocaleString("en") +
      (cluster === "group/services" ? " services" : " nodes");
    if (tally) {
      ["withdrawn", "broken", "degraded"].forEach(function (state) {
        if (tally[state]) text += "\n" + tally[state].toLocaleString("en") + " " + state;
      });
    }
    return text;
  }
  // An estate with more dependencies than a browser draws in good time shows none but
  // those of the chain picked (drawn when it is picked).
  var drawn = data.draw_dependencies && whole;
  var usesOf = Object.create(null);  // service: [[organisation, users], ...]
  data.uses.forEach(function (u) {
    (usesOf[u[0]] || (usesOf[u[0]] = [])).push([u[1], u[2]]);
  });
  // The users who lose a service among those broken, as simulate counts them: per
  // organisation the largest count of the services it uses (one person uses many).
  function usersLost(broken) {
    if (!broken.length) return "no user loses a service";
    var largest = Object.create(null);
    var recorded = false;
    broken.forEach(function (entry) {
      (usesOf[entry[0][0]] || []).forEach(function (u) {
        recorded = true;
        largest[u[0]] = Math.max(largest[u[0]] || 0, u[1]);
      });
    });
    if (!recorded) return "no users are recorded for the services broken";
    var people = Object.keys(largest).reduce(function (sum, o) { return sum + largest[o]; }, 0);
    return people.toLocaleString("en") + (people === 1 ? " user loses" : " users lose") +
      " a service";
  }
  var hardness = new Map();  // "a\u0000b": whether a needs b hard
  data.dependencies.forEach(function (d) {
    hardness.set(d[0] + "\u0000" + d[1], d[2]);
  });
  if (drawn) {
    data.dependencies.forEach(function (d, i) {
      if (byId[d[0]] && byId[d[1]]) {
        elements.push({
          group: "edges",
          data: { id: "e/" + i, source: "n/" + d[0], target: "n/" + d[1] },
          classes: d[2] ? "hard" : "soft",
        });
      }
    });
  } else if (whole) {
    var undrawn = document.getElementById("undrawn");
    undrawn.textContent = data.dependencies.length.toLocaleString("en") +
      " dependencies are too many to draw at once; the chain you pick is drawn.";
    undrawn.hidden = false;
  }

  var cy = cytoscape({
    container: document.getElementById("graph"),
    elements: elements,
    layout: { name: "preset", fit: true, padding: 20 },
    minZoom: 0.05,
    maxZoom: 4,
    style: [
      {
        selector: "node",
        style: {
          label: "data(label)",
          "font-size": 11,
          "text-wrap": "wrap",
          "text-max-width": 130,
          "text-valign": "center",
          "background-color": "#dfe7f2",
          "border-width": 1,
          "border-color": "#8aa0bd",
          shape: "round-rectangle",
          width: 140,
          height: 44,
        },
      },
      { selector: "node.service", style: { "background-color": "#eef6e9", shape: "ellipse" } },
      { selector: "node.candidate, node.retired", style: { opacity: 0.45 } },
      {
        selector: "node.cluster",
        style: {
          "background-color": "#f7f7f9",
          "border-color": "#c5c9d3",
          "text-valign": "top",
          "font-size": 13,
          "font-weight": "bold",
          color: "#38425a",
        },
      },
      { selector: "edge", style: { width: 1, "line-color": "#aab4c4", "curve-style": "bezier",
          "target-arrow-shape": "triangle", "target-arrow-color": "#aab4c4", "arrow-scale": 0.7 } },
      { selector: "edge.soft", style: { "line-style": "dashed" } },
      { selector: "node.withdrawn", style: { "background-color": "#5c0f14", color: "#fff" } },
      { selector: "node.broken", style: { "background-color": "#d9363e", color: "#fff" } },
      { selector: "node.degraded", style: { "background-color": "#f3a33b" } },
      { selector: "node.box", style: { width: 220, height: 100, "font-size": 13,
          "text-max-width": 210, "background-color": "#f7f7f9", "border-color": "#c5c9d3" } },
      { selector: "node.box.withdrawn", style: { "background-color": "#5c0f14", color: "#fff" } },
      { selector: "node.box.broken", style: { "background-color": "#d9363e", color: "#fff" } },
      { selector: "node.box.degraded", style: { "background-color": "#f3a33b" } },
      { selector: "node.match", style: { "border-width": 4, "border-color": "#1f5fbf" } },
      { selector: "node.box.onchain", style: { "border-width": 4, "border-color": "#1f5fbf",
          "border-style": "dashed" } },
      { selector: "edge.chain", style: { width: 4, "line-color": "#1f5fbf",
          "target-arrow-color": "#1f5fbf" } },
    ],
  });
  // How many vendors' frames overlap another's, for whoever checks the layout (and its
  // tests): none, whether Graphviz placed the nodes or the grid did.
  (function () {
    var boxes = cy.nodes(".cluster").map(function (frame) { return frame.boundingBox(); });
    var overlapping = 0;
    boxes.forEach(function (one, i) {
      overlapping += boxes.some(function (other, j) {
        return i !== j && one.x1 < other.x2 && other.x1 < one.x2 && one.y1 < other.y2 &&
          other.y1 < one.y2;
      }) ? 1 : 0;
    });
    document.getElementById("graph").setAttribute("data-frames-overlapping",
      String(overlapping));
  })();

  // --- the answer on a day ----------------------------------------------------------------
  var stateNow = {};  // of the answer and day shown: each node's state, when it has one
  var entryNow = Object.create(null);  // of the answer shown: each affected node's entry
  var shownAnswer = null;
  var shownDay = 0;
  var MOST_LISTED = 200;  // items a list shows; "… and N more" tells the rest

  function within(day, on) {
    return on === "renewal" || (typeof on === "number" && on <= day);
  }

  // As exitplan's _affected: withdrawn within the horizon; else broken, else degraded
  // (one withdrawn later, at its subscription's end, may be degraded before).
  function stateOn(a, day) {
    if (a[1] && within(day, a[2])) return "withdrawn";
    if (a[2] !== null && within(day, a[2])) return "broken";
    if (a[3] !== null && within(day, a[3])) return "degraded";
    return null;
  }

  // A chain is told once per node (exitplan.simulate.explore._Chains): the node, then
  // the chain of the next.
  function failureChain(answer, id) {
    var chain = [id];
    var via = answer.fails_via;
    while (owns(via, id) && via[id] !== null && chain.length <= data.nodes.length) {
      id = via[id];
      chain.push(id);
    }
    return chain;
  }

  function degradationChain(answer, id) {
    var chain = [];
    while (chain.length <= data.nodes.length) {
      chain.push(id);
      var next = owns(answer.degrades_via, id) ? answer.degrades_via[id] : null;
      if (next === null) break;
      if (next === true) return chain.concat(failureChain(answer, id).slice(1));
      id = next;
    }
    return chain;
  }

  function chainOf(a, state, answer) {
    return state === "degraded" ? degradationChain(answer, a[0]) : failureChain(answer, a[0]);
  }

  function item(list, a, state, answer) {
    var id = a[0];
    var on = state === "degraded" ? a[3] : a[2];
    var li = element("li", null, { "data-id": id, "data-state": state, tabindex: "0",
      role: "button" });
    li.appendChild(element("span", nameOf(id), { class: "name" }));
    li.appendChild(element("span", " " + dateOf(on), { class: "when" }));
    var users = owns(answer.users, id) ? answer.users[id] : 0;
    if (users) li.appendChild(element("span", " · " + users.toLocaleString("en") + " users"));
    function pick() {
      showChain(id, chainOf(a, state, answer));
    }
    li.addEventListener("click", pick);
    li.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();  // Space would scroll the panel
        pick();
      }
    });
    list.appendChild(li);
  }

  // The chain of a node clicked in the graph on the day shown; that it has none, when the
  // withdrawal does not reach it by then.
  function why(id) {
    var a = entryNow[id];
    var state = a ? stateNow[id] : null;
    if (!state) {
      showChain(id, []);
      document.getElementById("chain").appendChild(element("p", nameOf(id) +
        " is neither withdrawn, broken nor degraded on " + dateOf(shownDay) + "."));
      return;
    }
    showChain(id, chainOf(a, state, shownAnswer));
  }

  function showChain(id, chain) {
    var box = document.getElementById("chain");
    clear(box);
    cy.edges().removeClass("chain");
    cy.remove(cy.edges(".picked"));
    cy.remove(cy.nodes(".picked"));
    cy.nodes(".box").removeClass("onchain");
    if (chain.length) {
      box.appendChild(element("h3", "Why " + nameOf(id)));
      var list = element("ol", null, { id: "chain-list" });
      chain.forEach(function (step, k) {  // in the words of exitplan why
        var li = element("li", null, { "data-id": step });
        var soft = k > 0 && !hardness.get(chain[k - 1] + "\u0000" + step);
        if (k > 0) li.appendChild(element("span", soft ? "uses " : "needs ", { class: "link" }));
        li.appendChild(element("span", nameOf(step), { class: "name" }));
        if (soft) li.appendChild(element("span", " (soft: degraded without it)", { class: "when" }));
        if (k === chain.length - 1 && stateNow[step] === "withdrawn") {
          li.appendChild(element("span", ", withdrawn " + dateOf(entryNow[step][2]),
            { class: "when" }));
        }
        list.appendChild(li);
      });
      box.appendChild(list);
    }
    if (!whole) {  // the chain in a row above the boxes, and the boxes that hold it marked
      chain.forEach(function (step, k) {
        if (!byId[step] || cy.getElementById("n/" + step).length) return;
        cy.getElementById(clusterOf[step]).addClass("onchain");
        cy.add({
          group: "nodes",
          data: { id: "n/" + step, ref: step, label: nodeLabel(nameOf(step)) },
          classes: byId[step].kind + " picked " + (stateNow[step] || ""),
          position: { x: k * 200, y: -140 },
        });
      });
    }
    for (var i = 0; i + 1 < chain.length; i++) {
      if (drawn && whole) {
        cy.edges('[source = "n/' + cssEscape(chain[i]) + '"][target = "n/' + cssEscape(chain[i + 1]) + '"]').addClass("chain");
      } else if (byId[chain[i]] && byId[chain[i + 1]]) {
        cy.add({
          group: "edges",
          data: { id: "c/" + i, source: "n/" + chain[i], target: "n/" + chain[i + 1] },
          classes: (hardness.get(chain[i] + "\u0000" + chain[i + 1]) ? "hard" : "soft") +
            " chain picked",
        });
      }
    }
    if (!whole && chain.length) cy.fit(cy.elements(), 20);  // the row above in view
    var graph = document.getElementById("graph");
    graph.setAttribute("data-edges", String(cy.edges().length));
    graph.setAttribute("data-nodes", String(cy.nodes().length));
    marked();
  }

  // What the graph marks, for whoever reads the page's state (and its tests).
  function marked() {
    var graph = document.getElementById("graph");
    graph.setAttribute("data-matches", String(cy.nodes(".match").length));
    graph.setAttribute("data-on-chain", String(cy.nodes(".onchain").length));
  }

  function cssEscape(text) {
    return String(text).replace(/["\\]/g, "\\$&");
  }

  function table(target, headers, rows) {
    clear(target);
    if (!rows.length) {
      var empty = element("tr");
      empty.appendChild(element("td", "none"));
      target.appendChild(empty);
      return;
    }
    var head = element("tr");
    headers.forEach(function (h) {
      head.appendChild(element("th", h));
    });
    target.appendChild(head);
    rows.forEach(function (row) {
      var tr = element("tr", null, { "data-id": row[0] });
      row.slice(1).forEach(function (cell) {
        tr.appendChild(element("td", cell));
      });
      target.appendChild(tr);
    });
  }

  // What is shown last: an answer inflated after a later pick is not shown over it.
  var wanted = 0;

  // The withdrawal picked, on the day on the slider; the body's data-shown says which
  // (withdrawal and day), once it is shown.
  function show() {
    var key = picker.value;
    var day = Number(slider.value);
    var ticket = wanted += 1;
    withAnswer(key, function (answer) {
      if (ticket !== wanted) return;
      showAnswer(key, day, answer);
      document.body.setAttribute("data-shown", key + "&" + day);
      document.body.setAttribute("data-ready", "true");
    }, function () {
      if (ticket !== wanted) return;
      unread(typeof DecompressionStream === "undefined" ? OLD_BROWSER : "The answer for " +
        key + " cannot be read: the page is damaged. Write it again with exitplan explore.");
      var hash = "#withdraw=" + encodeURIComponent(key) + "&day=" + day;
      if (location.hash !== hash) history.replaceState(null, "", hash);
    });
  }

  var OLD_BROWSER = "This browser cannot read the answers (it has no DecompressionStream): " +
    "open the page in a current Chrome, Edge, Firefox or Safari.";

  // No answer shown, and why.
  function unread(why) {
    document.getElementById("summary").textContent = why;
    LISTS.concat(["alternatives", "plan", "chain", "told"]).forEach(function (id) {
      clear(document.getElementById(id));
    });
    cy.nodes().removeClass("withdrawn broken degraded");
    document.body.setAttribute("data-shown", "");
    document.body.setAttribute("data-ready", "true");
  }

  var LISTS = ["broken", "degraded", "broken-components", "degraded-components", "withdrawn"];

  function showAnswer(key, day, answer) {
    document.getElementById("date").textContent = dateOf(day);
    var lists = {};
    LISTS.forEach(function (id) {
      lists[id] = document.getElementById(id);
      clear(lists[id]);
    });
    cy.nodes().removeClass("withdrawn broken degraded");
    var tallies = {};
    stateNow = {};
    entryNow = Object.create(null);
    shownAnswer = answer;
    shownDay = day;
    var entries = {};  // each list's, told in the order of their day, then name
    LISTS.forEach(function (id) { entries[id] = []; });
    answer.affected.forEach(function (a) {
      var state = stateOn(a, day);
      if (!state) return;
      stateNow[a[0]] = state;
      entryNow[a[0]] = a;
      if (whole) {
        cy.getElementById("n/" + a[0]).addClass(state);
      } else if (owns(clusterOf, a[0])) {
        var tally = tallies[clusterOf[a[0]]] || (tallies[clusterOf[a[0]]] = {});
        tally[state] = (tally[state] || 0) + 1;
      }
      var service = byId[a[0]] && byId[a[0]].kind === "service";
      if (state === "withdrawn") entries.withdrawn.push([a, state]);
      if (service) {  // a service withdrawn is broken too, as simulate counts it
        entries[state === "withdrawn" ? "broken" : state].push([a, state]);
      } else if (state !== "withdrawn") {
        entries[state + "-components"].push([a, state]);
      }
    });
    LISTS.forEach(function (id) {
      entries[id].map(function (entry) {
        var on = entry[1] === "degraded" ? entry[0][3] : entry[0][2];
        return [typeof on === "number" ? on : Infinity, nameOf(entry[0][0]), entry];
      }).sort(function (x, y) {
        return x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0);
      }).slice(0, MOST_LISTED).forEach(function (keyed) {
        item(lists[id], keyed[2][0], keyed[2][1], answer);
      });
    });
    if (!whole) {
      cy.batch(function () {
        order.forEach(function (cluster) {
          var tally = tallies[cluster];
          var box = cy.getElementById(cluster);
          box.data("label", boxLabel(cluster, tally));
          var worst = tally && ["withdrawn", "broken", "degraded"].filter(function (state) {
            return tally[state];
          })[0];
          if (worst) box.addClass(worst);
        });
      });
    }
    LISTS.forEach(function (id) {
      var list = lists[id];
      var count = entries[id].length;
      if (!count) list.appendChild(element("li", "none on this day"));
      if (count > MOST_LISTED) {
        list.appendChild(element("li", "… and " + (count - MOST_LISTED).toLocaleString("en") +
          " more: exitplan simulate lists them all", { class: "more" }));
      }
    });
    var counts = {};
    LISTS.forEach(function (id) { counts[id] = entries[id].length; });
    document.getElementById("summary").textContent =
      counts.withdrawn + " withdrawn, " + counts.broken +
      (counts.broken === 1 ? " service" : " services") + " broken and " +
      counts.degraded + " degraded, " + counts["broken-components"] +
      (counts["broken-components"] === 1 ? " component" : " components") + " broken and " +
      counts["degraded-components"] + " degraded on " + dateOf(day) + "; " +
      usersLost(entries.broken) + ".";
    table(
      document.getElementById("alternatives"),
      ["replaces", "status", "chosen"],
      answer.replacements.map(function (r) {
        return [r[0], nameOf(r[0]), r[1], r[2] ? nameOf(r[2]) : "none viable"];
      }).concat(answer.not_needed.map(function (id) {
        return [id, nameOf(id), "not needed", "needs no replacement: nothing that stays in " +
          "use needs it"];
      }))
    );
    table(
      document.getElementById("plan"),
      ["wave", "step", "starts", "finishes", "due", "on time?"],
      answer.steps.map(function (s) {
        var moves = s[2].map(function (r, i) {
          if (s[8]) return "export data from " + nameOf(r);
          return nameOf(r) + " → " + (s[3][i] ? nameOf(s[3][i]) : "no viable alternative");
        }).join("; ");
        // What the step's candidates need that is not run today and no step brings in: a
        // need of one node first, then each choice between several ("hub and either d1 or
        // d2"), as the plan's notes and diagram say it.
        var needs = s[9].slice().sort(function (a, b) {
          return (a.length > 1) - (b.length > 1);
        }).map(function (options) {
          return listed(options.map(nameOf), "or", options.length > 1 ? "either " : "");
        });
        if (needs.length) moves += "; needs " + listed(needs, "and", "") + " brought in: not planned";
        // Besides its own deadline, the day the steps after it need it by, as the plan
        // table says it (that they miss theirs however soon it finishes, its status says).
        var due = [dateOf(s[6])].filter(Boolean);
        if (!s[11] && s[10] !== null) due.push(dateOf(s[10]) + " for the steps after it");
        // A step blocked, or an export the vendor is gone before (a cut-off), has no day
        // it is made on: its status says why.
        var dated = !s[7] && !s[12];
        return [s[0], String(s[1]), moves, dated ? dateOf(s[4]) : "", dated ? dateOf(s[5]) : "",
          due.join("; "), s[13]];
      })
    );
    var told = document.getElementById("told");
    clear(told);
    answer.told.forEach(function (line) {
      told.appendChild(element("li", line));
    });
    showChain("", []);
    var hash = "#withdraw=" + encodeURIComponent(key) + "&day=" + day;
    if (location.hash !== hash) history.replaceState(null, "", hash);
  }

  // What an address says, as the page shows names from files: a control or direction
  // character as its escape (a raw U+202E turned the note around; helper-84), and no more
  // than 200 characters of it.
  var UNSEEN = new RegExp("[\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u061c\\u180e" +
    "\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2069\\ufeff]", "g");
  function printable(text) {
    var cut = text.length > 200 ? text.slice(0, 200) + "…" : text;
    return cut.replace(UNSEEN, function (character) {
      return "\\u" + ("000" + character.charCodeAt(0).toString(16)).slice(-4);
    });
  }

  // a hundred years (the longest grace or term an estate gives), or the last day answered
  var MOST_DAYS = Math.max(36500, data.last_day || 0);

  // "#withdraw=vendor:microsoft&day=90"; a part that cannot be read is passed over.
  function fromHash() {
    var wanted = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (part) {
      var pair = part.split("=");
      if (pair.length !== 2) return;
      try {
        wanted[decodeURIComponent(pair[0])] = decodeURIComponent(pair[1]);
      } catch (error) {
        // a malformed escape: this part says nothing
      }
    });
    var unoffered = document.getElementById("unoffered");
    unoffered.hidden = true;
    if (owns(wanted, "withdraw") && !owns(data.answers, wanted.withdraw)) {
      // a country in capitals, as the picker writes it and -w reads it (helper-96)
      var upper = wanted.withdraw.replace(/(^|\+ )jurisdiction:([^ +]*)/g,
        function (all, before, country) { return before + "jurisdiction:" + country.toUpperCase(); });
      if (owns(data.answers, upper)) wanted.withdraw = upper;
    }
    if (owns(wanted, "withdraw") && owns(data.answers, wanted.withdraw)) {
      picker.value = wanted.withdraw;
    } else if (owns(wanted, "withdraw")) {  // a link mistyped, or of another estate
      unoffered.textContent = "The address names " + printable(wanted.withdraw) + ", which " +
        "this page does not offer; it shows " + picker.value + " instead.";
      unoffered.hidden = false;
    }
    if (owns(wanted, "day") && /^[0-9]{1,5}$/.test(wanted.day) &&
      Number(wanted.day) <= MOST_DAYS) {
      slider.max = String(Math.max(Number(slider.max), Number(wanted.day)));
      slider.value = wanted.day;
    } else if (owns(wanted, "day")) {  // -5, 1e3, a million: said, not taken as day 0
      unoffered.textContent = (unoffered.hidden ? "" : unoffered.textContent + " ") +
        "The address gives the day " + printable(wanted.day) + ", which is not a whole " +
        "number of days from 0 to " + MOST_DAYS.toLocaleString("en") + "; it shows day " +
        slider.value + ".";
      unoffered.hidden = false;
    }
  }

  search.addEventListener("input", function () {
    var text = search.value.trim().toLowerCase();
    cy.nodes().removeClass("match");
    if (!text) {
      marked();
      return;
    }
    // by name, id or vendor (the labels hold zero-width spaces where long words wrap)
    var found = cy.nodes(":childless").not(".box").filter(function (n) {
      var node = byId[n.data("ref")];
      return !!node && [node.name, node.id, node.vendorName || ""].some(function (said) {
        return String(said).toLowerCase().indexOf(text) >= 0;
      });
    });
    if (!whole) {  // the boxes that hold a node of that name or id
      var holding = {};
      data.nodes.forEach(function (n) {
        if ([n[1], n[0], n[4] || ""].some(function (said) {
          return String(said).toLowerCase().indexOf(text) >= 0;
        })) holding[clusterOf[n[0]]] = true;
      });
      found = found.union(cy.nodes(".box").filter(function (n) {
        return owns(holding, n.id());
      }));
    }
    found.addClass("match");
    marked();
    if (found.length) cy.animate({ fit: { eles: found, padding: 80 } }, { duration: 300 });
  });

  cy.on("tap", "node:childless", function (event) {
    var vendor = event.target.data("vendor");
    var ref = event.target.data("ref");
    if (!vendor && byId[ref] && byId[ref].kind === "service") {
      why(ref);  // a service: the chain that breaks it, as its item in the lists shows
      return;
    }
    var key = vendor ? "vendor:" + vendor : "component:" + ref;
    if (owns(data.answers, key)) {
      picker.value = key;
      show();
    }
  });
  picker.addEventListener("change", function () {
    document.getElementById("unoffered").hidden = true;  // the reader has chosen
    show();
  });
  slider.addEventListener("input", show);
  // A printout holds the graph as a picture: a canvas the print layout resizes is lost
  // (helper-96). The whole graph as marked, the chain picked included, in at most
  // 4,000 pixels a side.
  function toPrint() {
    document.getElementById("printed").src = cy.png({ full: true, scale: 2, bg: "#ffffff",
      maxWidth: 4000, maxHeight: 4000 });
  }
  window.addEventListener("beforeprint", toPrint);
  window.addEventListener("hashchange", function () {
    fromHash();
    show();
  });
  if (data.initial && owns(data.answers, data.initial)) picker.value = data.initial;
  fromHash();
  show();
})();
