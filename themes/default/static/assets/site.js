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
