/* zhanting site search. Plain JavaScript, no dependencies, works over HTTP
 * at / or under a sub-path and from file:// (index files are loaded as
 * <script> tags that call zhanting_shard(name, data)). The index format and
 * the tokenisation rules are documented in src/search/mod.rs and
 * src/search/tokenize.rs; units() below must match tokenize.rs exactly.
 *
 * API: window.zhanting.search(query, {kind, region, sector, year, source, limit, offset})
 *   → Promise<{total, exact, results: [{url, title, kind, date, region, snippet}]}>
 *   (exact false: not every candidate has been checked yet, total is the
 *   most there can be; asking for later results checks further)
 */
(function () {
  'use strict';
  var script = document.currentScript;
  var root = new URL('../', script ? script.src : location.href).href;
  var data = {}, loading = {}, waiting = {};

  window.zhanting_shard = function (name, d) {
    data[name] = d;
    if (waiting[name]) { waiting[name](d); delete waiting[name]; }
  };

  function load(name) {
    if (loading[name]) return loading[name];
    loading[name] = new Promise(function (resolve) {
      if (name in data) { resolve(data[name]); return; }
      waiting[name] = resolve;
      var tries = 0;
      var attempt = function () {
        var s = document.createElement('script'), timer;
        s.charset = 'utf-8';
        s.src = root + 'search/' + name + '.js' + (tries ? '?retry=' + tries : '');
        var done = function () {
          clearTimeout(timer);
          if (waiting[name]) { delete waiting[name]; resolve(null); }
        };
        s.onload = done;   /* fires after the script ran: a missing call means empty */
        s.onerror = done;  /* an empty shard is not written */
        /* a request the server never answers: ask again, then give up */
        timer = setTimeout(function () {
          if (!waiting[name]) return;
          s.onload = s.onerror = null;
          if (++tries < 3) attempt(); else done();
        }, 3000 * (tries + 1));
        document.head.appendChild(s);
      };
      attempt();
    });
    return loading[name];
  }

  /* ---- tokenisation (mirror of src/search/tokenize.rs) ---- */
  /* a unit of its own: a letter or number outside ASCII words, a
     punctuation mark or a symbol (is_unit in tokenize.rs) */
  var UNIT = /[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}\p{P}\p{S}]/u;
  var ASCII = /^[a-z0-9A-Z]$/;
  /* → [{u, p, s, e}]: unit, position, and its [s, e) code-unit range in text */
  function units(text, start) {
    var out = [], pos = start || 0, word = '', ws = 0, i = 0;
    var flush = function (end) {
      if (word) { out.push({ u: word, p: pos, s: ws, e: end }); pos++; word = ''; }
    };
    for (var raw of text) {
      var n = raw.normalize('NFKC');
      for (var c0 of n) {
        var low = c0.toLowerCase();
        for (var c of low) {
          if (ASCII.test(c)) { if (!word) ws = i; word += c; continue; }
          flush(i);
          if (UNIT.test(c)) { out.push({ u: c, p: pos, s: i, e: i + raw.length }); }
          pos++;
        }
      }
      i += raw.length;
    }
    flush(i);
    return out;
  }

  /* query → phrases (arrays of unit strings); only spaces split, so a term
     with punctuation inside is one phrase, punctuation included */
  function phrases(q) {
    var out = [], cur = [], last = -2;
    units(q || '').forEach(function (t) {
      if (t.p !== last + 1 && cur.length) { out.push(cur); cur = []; }
      cur.push(t.u); last = t.p;
    });
    if (cur.length) out.push(cur);
    var seen = {};
    return out.filter(function (p) { var k = p.join(' '); if (seen[k]) return false; seen[k] = 1; return true; });
  }

  function fnv1a(s) {
    var b = new TextEncoder().encode(s), h = 0x811c9dc5;
    for (var i = 0; i < b.length; i++) { h ^= b[i]; h = Math.imul(h, 0x01000193) >>> 0; }
    return h >>> 0;
  }

  /* the value of each base-64 digit of the index files, by character code */
  var DIGIT = (function () {
    var B = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_', t = {};
    for (var v = 0; v < 64; v++) t[B.charCodeAt(v)] = v;
    return t;
  })();

  var metaP = null;
  function meta() {
    if (!metaP) metaP = load('meta').then(function (m) {
      if (!m) throw new Error('search index not found at ' + root + 'search/meta.js');
      /* fixed-width base-64 columns: id, kind, region, sector, date, lenq,
         and source when the site rolls up others (m.sources) */
      var docs = [], s = m.docs, w = m.w, step = 0, at = 0, c = [0, 0, 0, 0, 0, 0, 0];
      var cols = w.length, sources = m.sources || [];
      w.forEach(function (x) { step += x; });
      for (; at + step <= s.length;) {
        for (var col = 0; col < cols; col++) {
          var n = 0;
          for (var j = 0; j < w[col]; j++) n = n * 64 + DIGIT[s.charCodeAt(at++)];
          c[col] = n;
        }
        var y = Math.floor(c[4] / 512) + 1900, mo = Math.floor(c[4] / 32) % 16, da = c[4] % 32;
        docs.push({ id: c[0], kind: m.kinds[c[1]] || '', region: m.regions[c[2] - 1] || '',
          sector: m.sectors[c[3] - 1] || '', date: c[4] ? y * 10000 + mo * 100 + da : 0,
          year: c[4] ? String(y) : '', len: Math.pow(2, c[5] / 8) - 1,
          source: sources[c[6] - 1] || '' });
      }
      var byId = {}, sum = 0;
      docs.forEach(function (x) { byId[x.id] = x; sum += x.len; });
      m.list = docs; m.byId = byId; m.avg = docs.length ? sum / docs.length : 1;
      return m;
    });
    return metaP;
  }

  /* a key's list: base-64 digits, five bits each, least significant
     first, a digit from 32 up saying another follows (push_num in format.rs) */
  function numbers(s) {
    var out = [], v = 0, mul = 1;
    for (var i = 0; i < s.length; i++) {
      var d = DIGIT[s.charCodeAt(i)];
      if (d >= 32) { v += (d - 32) * mul; mul *= 32; }
      else { out.push(v + d * mul); v = 0; mul = 1; }
    }
    return out;
  }

  var postingCache = {};
  /* key → Map(id → [in title, in metadata, body count]). Each entry is
     one number, (Δid − 1) · 16 + v, v = body count · 4 + flags (1 = title,
     2 = metadata); v = 15 says the rest of v follows as a number of its
     own. The first Δid counts from −1 (push_posting in format.rs). */
  function postings(m, key) {
    if (postingCache[key]) return Promise.resolve(postingCache[key]);
    var name = 'p/' + (fnv1a(key) % m.shards).toString(16);
    return load(name).then(function (shard) {
      var arr = numbers(shard && Object.prototype.hasOwnProperty.call(shard, key) ? shard[key] : '');
      var map = new Map(), id = -1;
      for (var i = 0; i < arr.length;) {
        var n = arr[i++], v = n % 16;
        id += Math.floor(n / 16) + 1;
        if (v === 15) v += arr[i++];
        map.set(id, [v % 2, Math.floor(v / 2) % 2, Math.floor(v / 4)]);
      }
      postingCache[key] = map;
      return map;
    });
  }

  /* phrase → {map: Map(id → [in title, in metadata, body count]), exact}.
     One or two units: the key's own postings, exact. Longer: the pages
     holding every key of a covering set of its pairs (offsets 0, 2, 4 …
     and n−2), in one field at least; the index keeps no positions, so
     these are candidates, each checked against its own text (confirmed)
     before it is shown, and their counts are estimates (the fewest of the
     pairs) for ranking. */
  function phraseHits(m, ph) {
    if (ph.length <= 2) {
      return postings(m, ph.join(' ')).then(function (map) { return { map: map, exact: true }; });
    }
    var keys = [];
    for (var o = 0; o <= ph.length - 2; o += 2) keys.push(ph[o] + ' ' + ph[o + 1]);
    if ((ph.length - 2) % 2) keys.push(ph[ph.length - 2] + ' ' + ph[ph.length - 1]);
    return Promise.all(keys.map(function (k) { return postings(m, k); })).then(function (maps) {
      maps.sort(function (a, b) { return a.size - b.size; });
      var out = new Map();
      maps[0].forEach(function (first, id) {
        var t = first[0], me = first[1], body = first[2];
        for (var x = 1; x < maps.length; x++) {
          var o = maps[x].get(id);
          if (!o) return;
          t = t & o[0]; me = me & o[1]; body = Math.min(body, o[2]);
        }
        /* every pair in one field at least, or the phrase cannot be there */
        if (t || me || body) out.set(id, [t, me, body]);
      });
      return { map: out, exact: false };
    });
  }

  /* true when the phrase ph starts at unit i of us, its units consecutive */
  function startsAt(us, i, ph) {
    if (i + ph.length > us.length) return false;
    for (var j = 0; j < ph.length; j++) {
      if (us[i + j].u !== ph[j] || us[i + j].p !== us[i].p + j) return false;
    }
    return true;
  }

  /* true when the units of a text hold the phrase ph */
  function holds(us, ph) {
    for (var i = 0; i < us.length; i++) if (startsAt(us, i, ph)) return true;
    return false;
  }

  /* a page's own file holds every phrase of check, in its title, one of
     its metadata strings or its body */
  function confirms(doc, check) {
    var texts = [doc.t || '', doc.b || ''].concat(doc.m || []), us = [];
    return check.every(function (ph) {
      for (var i = 0; i < texts.length; i++) {
        if (!us[i]) us[i] = units(texts[i]);
        if (holds(us[i], ph)) return true;
      }
      return false;
    });
  }

  function passes(d, f) {
    return (!f.kind || d.kind === f.kind) && (!f.region || d.region === f.region) &&
      (!f.sector || d.sector === f.sector) && (!f.year || d.year === String(f.year)) &&
      (!f.source || d.source === f.source);
  }

  /* 2013-09-25 → 2013年9月25日, 2013-09 → 2013年9月, 2013 → 2013年, as the pages show dates */
  function cnDate(iso) {
    var m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(iso || '');
    return m ? m[1] + '年' + (m[2] ? +m[2] + '月' : '') + (m[3] ? +m[3] + '日' : '') : iso;
  }
  function esc(s) {
    return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  }

  /* ranges [s, e) in text where any phrase occurs */
  function matchRanges(text, phs) {
    var us = units(text), ranges = [];
    phs.forEach(function (ph) {
      for (var i = 0; i < us.length; i++) {
        if (startsAt(us, i, ph)) ranges.push([us[i].s, us[i + ph.length - 1].e]);
      }
    });
    ranges.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var merged = [];
    ranges.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]); else merged.push(r.slice());
    });
    return merged;
  }

  /* HTML: text escaped first, then <mark> around the matches */
  function snippet(doc, body, phs) {
    var sources = [body, (doc.m || []).join(' · '), doc.t || ''];
    var text = sources[0], ranges = [];
    for (var i = 0; i < sources.length; i++) {
      var r = phs.length ? matchRanges(sources[i], phs) : [];
      if (r.length) { text = sources[i]; ranges = r; break; }
    }
    var before = 30, width = 120;
    var from = ranges.length ? Math.max(0, ranges[0][0] - before) : 0;
    var to = Math.min(text.length, from + width);
    if (from > 0 && text.charCodeAt(from) >= 0xdc00 && text.charCodeAt(from) < 0xe000) from--;
    if (to < text.length && text.charCodeAt(to) >= 0xdc00 && text.charCodeAt(to) < 0xe000) to++;
    var out = from > 0 ? '…' : '', at = from;
    ranges.forEach(function (r) {
      var s = Math.max(r[0], from), e = Math.min(r[1], to);
      if (s >= e || s < at) return;
      out += esc(text.slice(at, s)) + '<mark>' + esc(text.slice(s, e)) + '</mark>';
      at = e;
    });
    out += esc(text.slice(at, to)) + (to < text.length ? '…' : '');
    return out.replace(/\s*\n\s*/g, ' ');
  }

  /* relative URL from the current page to a root-relative one */
  function fromHere(url) {
    var here = location.href.split(/[?#]/)[0];
    if (here.indexOf(root) !== 0) return root + url;
    var depth = here.slice(root.length).split('/').length - 1;
    var up = ''; for (var i = 0; i < depth; i++) up += '../';
    return up + url;
  }

  function fmtDate(n) {
    if (!n) return '';
    var s = String(n);
    return s.slice(0, 4) + '-' + s.slice(4, 6) + '-' + s.slice(6, 8);
  }

  /* Candidates ranked, checked against their own text in rank order while
     more are wanted: per query and filters, how far the checking has got */
  var progress = {};
  var CHECK_ALL = 20;
  /* How many candidates to check next: as many as are still wanted, over
     the share of those checked so far that held the term (each check loads
     a page's file, so checking ten more to find the last two costs eight
     files for nothing) */
  function batchSize(st, want) {
    var need = want - st.found.length;
    if (!st.next) return need;
    var share = Math.max(st.found.length, 1) / st.next;
    return Math.min(Math.ceil(need / share), 4 * need + 10);
  }
  function confirmed(key, scored, check, want) {
    var st = progress[key];
    if (!st || st.scored !== scored.length) st = progress[key] = { scored: scored.length, next: 0, found: [] };
    if (!check.length) {
      return Promise.resolve({ found: scored, done: true });
    }
    if (scored.length <= CHECK_ALL) want = scored.length;
    var step = function () {
      if (st.found.length >= want || st.next >= scored.length) {
        return { found: st.found, done: st.next >= scored.length };
      }
      var batch = scored.slice(st.next, st.next + batchSize(st, want));
      return Promise.all(batch.map(function (s) { return load('d/' + s.d.id); })).then(function (docs) {
        docs.forEach(function (doc, i) {
          if (doc && confirms(doc, check)) st.found.push(batch[i]);
        });
        st.next += batch.length;
        return step();
      });
    };
    return Promise.resolve(step());
  }

  function search(query, opts) {
    opts = opts || {};
    var limit = opts.limit > 0 ? opts.limit : 10, offset = opts.offset > 0 ? opts.offset : 0;
    var phs = phrases(query);
    var key = JSON.stringify([phs, opts.kind || '', opts.region || '', opts.sector || '', String(opts.year || ''), opts.source || '']);
    return meta().then(function (m) {
      var scored;
      if (!phs.length) {
        scored = m.list.filter(function (d) { return passes(d, opts); })
          .map(function (d) { return { d: d, tier: 0, score: 0 }; });
        return finish(m, scored, []);
      }
      return Promise.all(phs.map(function (ph) { return phraseHits(m, ph); })).then(function (hits) {
        var maps = hits.map(function (h) { return h.map; });
        var byDf = maps.slice().sort(function (a, b) { return a.size - b.size; });
        var N = m.list.length, k1 = 1.2, b = 0.75;
        scored = [];
        byDf[0].forEach(function (_, id) {
          var d = m.byId[id];
          if (!d || !passes(d, opts)) return;
          for (var x = 1; x < byDf.length; x++) if (!byDf[x].has(id)) return;
          var tier = 0, score = 0;
          maps.forEach(function (h) {
            var st = h.get(id), body = st[2];
            tier += st[0] ? 2 : st[1] ? 1 : 0;
            var idf = Math.log(1 + (N - h.size + 0.5) / (h.size + 0.5));
            score += idf * (body * (k1 + 1) / (body + k1 * (1 - b + b * d.len / m.avg)));
          });
          scored.push({ d: d, tier: tier, score: score });
        });
        return finish(m, scored, phs.filter(function (_, i) { return !hits[i].exact; }));
      });
    });

    function finish(m, scored, check) {
      scored.sort(function (a, b) {
        return b.tier - a.tier || b.score - a.score || b.d.date - a.d.date || a.d.id - b.d.id;
      });
      return confirmed(key, scored, check, offset + limit).then(function (c) {
        var page = c.found.slice(offset, offset + limit);
        /* each page's own file: its fields and its text, for the snippet */
        return Promise.all(page.map(function (s) { return load('d/' + s.d.id); })).then(function (docs) {
          var results = [];
          docs.forEach(function (doc, i) {
            if (!doc) return;
            results.push({ url: fromHere(doc.u), title: doc.t, kind: doc.k, date: doc.d || fmtDate(page[i].d.date),
              region: doc.r, sector: doc.s, source: page[i].d.source, snippet: snippet(doc, doc.b || '', phs) });
          });
          /* not every candidate checked yet: at most this many */
          var total = c.done ? c.found.length : c.found.length + scored.length - progress[key].next;
          return { total: total, exact: c.done, results: results };
        });
      });
    }
  }

  function facets() {
    return meta().then(function (m) {
      var years = {};
      m.list.forEach(function (d) { if (d.date) years[d.year] = 1; });
      return { kinds: m.kinds.slice(), regions: m.regions.slice(), sectors: m.sectors.slice(),
        sources: (m.sources || []).slice(),
        years: Object.keys(years).sort().reverse() };
    });
  }

  var z = window.zhanting = window.zhanting || {};
  z.search = search;
  z.searchFacets = facets;

  /* ---- the search page ---- */
  var KIND_LABEL = { speech: '领导讲话', 'case': '典型案例', brand: '一支部一品牌', page: '页面' };
  function label(kind) { return KIND_LABEL[kind] || kind; }

  function page() {
    var list = document.getElementById('search-results');
    if (!list) return;
    /* The script runs: the note for browsers that cannot run it goes. */
    var fallback = document.getElementById('search-fallback');
    if (fallback) fallback.hidden = true;
    var form = document.querySelector('form.search-form');
    var status = document.getElementById('search-status');
    var more = document.querySelector('button.search-more');
    var FIELDS = ['kind', 'region', 'sector', 'year', 'source'];
    var state = { q: '', limit: 10 };
    var shown = 0, run = 0;

    function read() {
      var p = new URLSearchParams(location.search);
      state.q = p.get('q') || '';
      FIELDS.forEach(function (f) { state[f] = p.get(f) || ''; });
    }
    function fill() {
      if (!form) return;
      if (form.elements.q) form.elements.q.value = state.q;
      FIELDS.forEach(function (f) { if (form.elements[f]) form.elements[f].value = state[f]; });
    }
    function fromForm() {
      state.q = form.elements.q ? form.elements.q.value.trim() : '';
      FIELDS.forEach(function (f) { state[f] = form.elements[f] ? form.elements[f].value : ''; });
    }
    function writeUrl() {
      var p = new URLSearchParams();
      p.set('q', state.q);
      FIELDS.forEach(function (f) { if (state[f]) p.set(f, state[f]); });
      try { history.replaceState(null, '', '?' + p.toString()); } catch (e) { /* file:// in some browsers */ }
    }
    function item(r) {
      var li = document.createElement('li');
      li.className = 'search-result';
      var meta = [label(r.kind), cnDate(r.date), r.region].filter(Boolean).map(esc).join(' · ');
      li.innerHTML = '<a class="search-title" href="' + esc(r.url) + '">' + esc(r.title) + '</a>' +
        '<p class="search-meta">' + meta + '</p><p class="search-snippet">' + r.snippet + '</p>';
      return li;
    }
    function go(append) {
      var mine = ++run;
      var filtered = FIELDS.some(function (f) { return state[f]; });
      if (!append) { list.innerHTML = ''; shown = 0; }
      if (!state.q && !filtered) {
        status.textContent = '请输入要查找的词语，或选择分类浏览。';
        if (more) more.hidden = true;
        return Promise.resolve();
      }
      status.textContent = '正在搜索…';
      var opts = { kind: state.kind, region: state.region, sector: state.sector, year: state.year,
        source: state.source, limit: state.limit, offset: shown };
      return search(state.q, opts).then(function (r) {
        if (mine !== run) return;
        r.results.forEach(function (x) { list.appendChild(item(x)); });
        shown += r.results.length;
        status.textContent = r.total ? '共找到' + (r.exact === false ? '约 ' : ' ') + r.total + ' 条结果' + (state.q ? '（“' + state.q + '”）' : '') : (state.q ? '没有找到与“' + state.q + '”相关的内容。' : '没有符合条件的内容。');
        status.setAttribute('data-total', String(r.total));
        if (more) more.hidden = shown >= r.total;
      }, function (e) {
        status.textContent = '搜索暂不可用：' + e.message;
      });
    }
    function options(sel, values, lab) {
      if (!sel) return;
      var keep = sel.value;
      values.forEach(function (v) {
        var o = document.createElement('option');
        o.value = v; o.textContent = lab ? lab(v) : v;
        sel.appendChild(o);
      });
      sel.value = keep;
    }
    read();
    facets().then(function (f) {
      if (form) {
        options(form.elements.kind, f.kinds, label);
        options(form.elements.region, f.regions);
        options(form.elements.sector, f.sectors);
        options(form.elements.year, f.years, function (y) { return y + '年'; });
      }
      fill();
      return go(false);
    }, function (e) { status.textContent = '搜索暂不可用：' + e.message; });
    if (form) {
      form.addEventListener('submit', function (e) { e.preventDefault(); fromForm(); writeUrl(); go(false); });
      FIELDS.forEach(function (f) {
        var el = form.elements[f];
        if (el) el.addEventListener('change', function () { fromForm(); writeUrl(); go(false); });
      });
    }
    if (more) more.addEventListener('click', function () { go(true); });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', page);
  else page();
})();
