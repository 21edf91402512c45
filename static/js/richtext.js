// A small rich-text editor for article bodies (progressive enhancement).
// A <textarea data-richtext> gets a toolbar (bold, italic, headings, lists, link, image) and a
// contenteditable area; every change is written back into the textarea, which is what the form
// sends. Without JavaScript the textarea takes the HTML as it is. The server sanitises the HTML
// either way (services.articles.sanitize_html): nothing here is trusted.
// HTML from the textarea or the clipboard is cleaned by the same allowlist before it enters the
// editor (cleanNodes: parsed in an inert document). No inline script or style: CSP-safe.
// Images: the article's uploaded images, read from <script type="application/json"
// id="richtext-images"> ([{url, caption}]), inserted by URL.
(function () {
  "use strict";

  function images() {
    var node = document.getElementById("richtext-images");
    if (!node) { return []; }
    try { return JSON.parse(node.textContent) || []; } catch (e) { return []; }
  }

  // The allowlist of services.articles.sanitize_html, applied in the browser too before any HTML
  // enters the live editor (the textarea may hold what was just typed or pasted, not yet
  // sanitised by the server): parsed in an inert document (no script runs, no image loads),
  // cleaned there, and the clean nodes imported — never re-parsed into the page.
  var TAGS = ("p br hr strong b em i u s h2 h3 h4 ul ol li blockquote a img figure figcaption table thead " +
              "tbody tr th td span sub sup").split(" ");
  var DROP = ("script style iframe svg math object embed noscript template textarea select frame frameset " +
              "applet head title meta link base form input button").split(" ");
  var ATTRS = {a: ["href", "title"], img: ["src", "alt", "title", "width", "height"],
               th: ["colspan", "rowspan"], td: ["colspan", "rowspan"]};
  var CLASSES = {img: "img-fluid", table: "table table-sm table-bordered"};  // set, as the server does
  var OWN_IMAGE = /^\/publicity\/articles\/\d+\/images\/\d+\/$/;
  var LINK = /^(https?:\/\/|mailto:|\/(?!\/)|#)/i;

  function cleanNode(node) {
    Array.prototype.slice.call(node.childNodes).forEach(function (child) {
      if (child.nodeType === 3) { return; }
      if (child.nodeType !== 1) { node.removeChild(child); return; }
      var tag = child.tagName.toLowerCase();
      if (DROP.indexOf(tag) >= 0) { node.removeChild(child); return; }
      cleanNode(child);
      if (TAGS.indexOf(tag) < 0) {
        while (child.firstChild) { node.insertBefore(child.firstChild, child); }
        node.removeChild(child);
        return;
      }
      var keep = ATTRS[tag] || [];
      Array.prototype.slice.call(child.attributes).forEach(function (attr) {
        var name = attr.name.toLowerCase(), value = attr.value.trim();
        var ok = keep.indexOf(name) >= 0 &&
          !(name === "href" && !LINK.test(value)) &&
          !(name === "src" && !OWN_IMAGE.test(value)) &&
          !((name === "width" || name === "height") && !/^\d{1,4}$/.test(value));
        if (!ok) { child.removeAttribute(attr.name); }
      });
      if (CLASSES[tag]) { child.className = CLASSES[tag]; }
    });
  }

  function cleanNodes(html) {
    // DOMParser: an inert document (scripting disabled, nothing fetched, no handler ever runs).
    var holder = new DOMParser().parseFromString("<!doctype html><body></body>", "text/html").body;
    holder.innerHTML = html;
    cleanNode(holder);
    return Array.prototype.map.call(holder.childNodes, function (n) { return document.importNode(n, true); });
  }

  function cleanHTML(html) {
    var box = document.createElement("div");
    cleanNodes(html).forEach(function (n) { box.appendChild(n); });
    return box.innerHTML;
  }

  function button(label, title, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn btn-sm btn-outline-secondary";
    b.textContent = label;
    b.title = title;
    b.setAttribute("aria-label", title);
    b.addEventListener("mousedown", function (event) { event.preventDefault(); });  // keep the selection
    b.addEventListener("click", onClick);
    return b;
  }

  function enhance(textarea) {
    var editor = document.createElement("div");
    editor.className = "form-control richtext-area";
    editor.contentEditable = "true";
    editor.style.minHeight = "16rem";  // CSSOM, not a style attribute in markup: allowed by the CSP
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", "true");
    editor.setAttribute("aria-label", textarea.labels && textarea.labels[0] ? textarea.labels[0].textContent : "");
    cleanNodes(textarea.value).forEach(function (n) { editor.appendChild(n); });
    try { document.execCommand("defaultParagraphSeparator", false, "p"); } catch (e) { /* older browsers */ }
    var sync = function () { textarea.value = editor.innerHTML; };
    var run = function (command, value) {
      return function () { editor.focus(); document.execCommand(command, false, value || null); sync(); };
    };
    var bar = document.createElement("div");
    bar.className = "btn-toolbar gap-1 mb-1 flex-wrap";
    bar.setAttribute("role", "toolbar");
    bar.appendChild(button("B", "粗体", run("bold")));
    bar.appendChild(button("I", "斜体", run("italic")));
    bar.appendChild(button("H2", "标题", run("formatBlock", "h2")));
    bar.appendChild(button("H3", "小标题", run("formatBlock", "h3")));
    bar.appendChild(button("¶", "正文", run("formatBlock", "p")));
    bar.appendChild(button("•", "项目列表", run("insertUnorderedList")));
    bar.appendChild(button("1.", "编号列表", run("insertOrderedList")));
    bar.appendChild(button("链接", "插入链接", function () {
      var url = window.prompt("链接地址（https://…）");
      if (url && /^(https?:\/\/|mailto:|\/)/i.test(url)) { run("createLink", url)(); }
    }));
    var list = images();
    if (list.length) {
      var select = document.createElement("select");
      select.className = "form-select form-select-sm w-auto";
      select.setAttribute("aria-label", "插入图片");
      var first = document.createElement("option");
      first.value = "";
      first.textContent = "插入图片…";
      select.appendChild(first);
      list.forEach(function (img) {
        var o = document.createElement("option");
        o.value = img.url;
        o.textContent = img.caption || img.url;
        select.appendChild(o);
      });
      select.addEventListener("change", function () {
        if (select.value) { run("insertImage", select.value)(); select.value = ""; }
      });
      bar.appendChild(select);
    }
    editor.addEventListener("paste", function (event) {
      var data = event.clipboardData;
      if (!data) { return; }
      event.preventDefault();
      var html = data.getData("text/html");
      if (html) {
        document.execCommand("insertHTML", false, cleanHTML(html));
      } else {
        document.execCommand("insertText", false, data.getData("text/plain"));
      }
      sync();
    });
    editor.addEventListener("drop", function (event) { event.preventDefault(); });
    editor.addEventListener("input", sync);
    editor.addEventListener("blur", sync);
    textarea.form && textarea.form.addEventListener("submit", sync);
    textarea.classList.add("d-none");
    textarea.parentNode.insertBefore(bar, textarea);
    textarea.parentNode.insertBefore(editor, textarea);
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("textarea[data-richtext]"), enhance);
  });
})();
