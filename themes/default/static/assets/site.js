/* zhanting default theme: reading preferences and print.
   Loaded in <head> without defer, so the saved 字号 and 适老化 classes are on
   <html> before the first paint (no flash). Everything else waits for the
   DOM. Storage may be missing or refuse access (file://, private windows,
   old browsers): then the choice simply lasts for this page. Plain ES5. */
(function (w, d) {
  "use strict";
  var root = d.documentElement;
  var FS = "zhanting-font-size", ELDER = "zhanting-elder";
  var SIZES = { s: "fs-s", m: "", l: "fs-l" };

  function load(key) {
    try { return w.localStorage ? w.localStorage.getItem(key) : null; } catch (e) { return null; }
  }
  function save(key, value) {
    try {
      if (!w.localStorage) { return; }
      if (value === null) { w.localStorage.removeItem(key); } else { w.localStorage.setItem(key, value); }
    } catch (e) { /* storage unavailable: keep the choice for this page only */ }
  }
  function setClass(name, on) {
    var list = (" " + root.className + " ").replace(" " + name + " ", " ");
    root.className = (on ? list + name : list).replace(/^\s+|\s+$/g, "").replace(/\s+/g, " ");
  }

  var state = { fs: SIZES.hasOwnProperty(load(FS)) ? load(FS) : "m", elder: load(ELDER) === "1" };

  function apply() {
    setClass("fs-s", state.fs === "s");
    setClass("fs-l", state.fs === "l");
    setClass("elder", state.elder);
    var buttons = d.querySelectorAll ? d.querySelectorAll("[data-fs],[data-elder]") : [];
    for (var i = 0; i < buttons.length; i++) {
      var b = buttons[i], fs = b.getAttribute("data-fs");
      b.setAttribute("aria-pressed", String(fs ? fs === state.fs : state.elder));
    }
  }

  setClass("js", true);
  // The search page's script needs these; without them (IE mode of 360 and
  // 奇安信 browsers) the page keeps its note with links to browse instead.
  setClass("search-ok", typeof w.Promise === "function" && typeof w.URLSearchParams === "function" &&
    typeof w.URL === "function" && typeof [].forEach === "function");
  apply();

  function onClick(ev) {
    var t = ev.target;
    while (t && t !== d && !(t.getAttribute && (t.hasAttribute("data-fs") || t.hasAttribute("data-elder") || t.hasAttribute("data-print")))) {
      t = t.parentNode;
    }
    if (!t || t === d) { return; }
    if (t.hasAttribute("data-print")) {
      w.print();
      return;
    }
    if (t.hasAttribute("data-fs")) {
      state.fs = t.getAttribute("data-fs");
      save(FS, state.fs === "m" ? null : state.fs);
    } else {
      state.elder = !state.elder;
      save(ELDER, state.elder ? "1" : null);
    }
    apply();
  }

  // 朗读: the browser's own speech synthesis, which works offline, with a
  // Chinese voice installed on this computer. No such voice: no button.
  function chineseVoice() {
    var synth = w.speechSynthesis, best = null;
    if (!synth || !synth.getVoices || !w.SpeechSynthesisUtterance) { return null; }
    var voices = synth.getVoices() || [];
    for (var i = 0; i < voices.length; i++) {
      var v = voices[i], lang = String(v.lang || "").toLowerCase().replace("_", "-");
      // A voice that needs the internet (localService false) fails on an intranet.
      if (lang.indexOf("zh") !== 0 || v.localService === false) { continue; }
      if (!best || (lang === "zh-cn" && String(best.lang).toLowerCase().replace("_", "-") !== "zh-cn")) { best = v; }
    }
    return best;
  }

  // The article as pieces of at most ~200 characters (long utterances stop
  // short in some browsers): the title, then each paragraph, cut at 。！？；.
  function speechParts() {
    var parts = [], title = d.querySelector(".article-title"), body = d.querySelector(".article .content");
    var text = (title ? (title.innerText || title.textContent) + "\n" : "") + (body ? (body.innerText || body.textContent) : "");
    var lines = text.split(/\n+/);
    for (var i = 0; i < lines.length; i++) {
      var line = lines[i].replace(/^\s+|\s+$/g, "");
      while (line.length > 200) {
        var cut = -1;
        for (var j = 199; j > 40; j--) {
          if ("。！？；".indexOf(line.charAt(j)) >= 0) { cut = j + 1; break; }
        }
        if (cut < 0) { cut = 200; }
        parts.push(line.slice(0, cut));
        line = line.slice(cut);
      }
      if (line) { parts.push(line); }
    }
    return parts;
  }

  var speech = { on: false, run: 0 };
  function setupSpeech() {
    var start = d.querySelector("[data-speak]"), stop = d.querySelector("[data-speak-stop]");
    if (!start || !stop) { return; }
    var synth = w.speechSynthesis;
    function show() {
      var voice = chineseVoice();
      start.hidden = !voice || speech.on;
      stop.hidden = !voice || !speech.on;
      return voice;
    }
    function end(run) {
      if (run !== speech.run || !speech.on) { return; }
      var focused = d.activeElement === stop;
      speech.on = false;
      show();
      if (focused) { start.focus(); }
    }
    start.onclick = function () {
      var voice = show();
      if (!voice) { return; }
      synth.cancel();
      var parts = speechParts(), run = ++speech.run;
      if (!parts.length) { return; }
      speech.on = true;
      for (var i = 0; i < parts.length; i++) {
        var u = new w.SpeechSynthesisUtterance(parts[i]);
        u.lang = voice.lang;
        u.voice = voice;
        u.rate = 0.9;
        if (i === parts.length - 1) {
          u.onend = function () { end(run); };
        }
        u.onerror = function () { end(run); };
        synth.speak(u);
      }
      show();
      stop.focus();
    };
    stop.onclick = function () {
      synth.cancel();
      end(speech.run);
    };
    show();
    // Chromium lists its voices only after a while.
    if (synth && synth.addEventListener) {
      synth.addEventListener("voiceschanged", show, false);
    } else if (synth) {
      synth.onvoiceschanged = show;
    }
    if (w.addEventListener) {
      w.addEventListener("pagehide", function () { if (speech.on) { synth.cancel(); } }, false);
    }
  }

  // A wide table or code block scrolls sideways: the keyboard must reach it
  // to scroll it (arrow keys once it has focus).
  function scrollables() {
    var els = d.querySelectorAll(".content table, .content pre");
    for (var i = 0; i < els.length; i++) {
      if (els[i].scrollWidth > els[i].clientWidth + 1 && !els[i].hasAttribute("tabindex")) {
        els[i].setAttribute("tabindex", "0");
      }
    }
  }

  // 图集: the larger size of a photo in a dialog, with the previous and
  // next ones on buttons and the arrow keys; Esc or 关闭 closes it and
  // gives the focus back to the thumbnail. Without <dialog> the links
  // simply open the photos.
  function gallery() {
    var links = d.querySelectorAll(".gallery-link");
    if (!links.length || typeof w.HTMLDialogElement !== "function") { return; }
    var dlg = d.createElement("dialog"), img = d.createElement("img");
    var cap = d.createElement("p"), orig = d.createElement("a"), at = 0, opener = null;
    function button(label, text, go) {
      var b = d.createElement("button");
      b.type = "button"; b.className = "lightbox-" + label; b.textContent = text;
      b.setAttribute("aria-label", { prev: "上一张", next: "下一张", close: "关闭" }[label]);
      b.addEventListener("click", go, false);
      return b;
    }
    function show(i) {
      at = (i + links.length) % links.length;
      var a = links[at], thumb = a.getElementsByTagName("img")[0];
      var fig = a.parentNode.getElementsByTagName("figcaption")[0];
      img.src = a.getAttribute("data-large") || a.href;
      img.alt = thumb ? thumb.alt : "";
      cap.textContent = (fig ? fig.textContent + "　" : "") + "（" + (at + 1) + "/" + links.length + "）";
      orig.href = a.href;
    }
    dlg.className = "lightbox";
    dlg.setAttribute("aria-label", "图集");
    orig.textContent = "查看原图";
    orig.className = "lightbox-original";
    var close = button("close", "×", function () { dlg.close(); });
    dlg.appendChild(close);
    dlg.appendChild(img);
    dlg.appendChild(cap);
    if (links.length > 1) {
      dlg.appendChild(button("prev", "‹", function () { show(at - 1); }));
      dlg.appendChild(button("next", "›", function () { show(at + 1); }));
    }
    dlg.appendChild(orig);
    d.body.appendChild(dlg);
    dlg.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowLeft") { show(at - 1); ev.preventDefault(); }
      if (ev.key === "ArrowRight") { show(at + 1); ev.preventDefault(); }
    }, false);
    // A click on the backdrop (outside the picture) closes.
    dlg.addEventListener("click", function (ev) { if (ev.target === dlg) { dlg.close(); } }, false);
    dlg.addEventListener("close", function () { if (opener) { opener.focus(); } }, false);
    for (var i = 0; i < links.length; i++) {
      links[i].addEventListener("click", (function (k) {
        return function (ev) {
          if (ev.button || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) { return; }
          ev.preventDefault();
          opener = links[k];
          show(k);
          dlg.showModal();
          close.focus();
        };
      })(i), false);
    }
  }

  function ready() {
    apply();
    setupSpeech();
    scrollables();
    if (w.addEventListener) { w.addEventListener("resize", scrollables, false); }
    gallery();
    d.addEventListener("click", onClick, false);
    // The printed page shows its full address.
    var spans = d.querySelectorAll("[data-page-url]");
    var href = String(w.location.href).split("#")[0];
    for (var i = 0; i < spans.length; i++) {
      try { spans[i].textContent = decodeURI(href); } catch (e) { spans[i].textContent = href; }
    }
  }

  // Another tab changed the settings: follow it.
  if (w.addEventListener) {
    w.addEventListener("storage", function (ev) {
      if (ev.key === FS || ev.key === ELDER || ev.key === null) {
        state.fs = SIZES.hasOwnProperty(load(FS)) ? load(FS) : "m";
        state.elder = load(ELDER) === "1";
        apply();
      }
    }, false);
  }

  if (d.readyState === "loading") {
    d.addEventListener("DOMContentLoaded", ready, false);
  } else {
    ready();
  }
})(window, document);
