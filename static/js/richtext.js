// A small rich-text editor for article bodies (progressive enhancement).
// A <textarea data-richtext> gets a toolbar (bold, italic, headings, lists, link, image) and a
// contenteditable area; every change is written back into the textarea, which is what the form
// sends. Without JavaScript the textarea takes the HTML as it is. The server sanitises the HTML
// either way (services.articles.sanitize_html): nothing here is trusted.
// Images: the article's uploaded images, read from <script type="application/json"
// id="richtext-images"> ([{url, caption}]), inserted by URL.
(function () {
  "use strict";

  function images() {
    var node = document.getElementById("richtext-images");
    if (!node) { return []; }
    try { return JSON.parse(node.textContent) || []; } catch (e) { return []; }
  }

  function button(label, title, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn btn-sm btn-outline-secondary";
    b.textContent = label;
    b.title = title;
    b.setAttribute("aria-label", title);
    b.addEventListener("click", onClick);
    return b;
  }

  function enhance(textarea) {
    var editor = document.createElement("div");
    editor.className = "form-control richtext-area";
    editor.contentEditable = "true";
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", "true");
    editor.setAttribute("aria-label", textarea.labels && textarea.labels[0] ? textarea.labels[0].textContent : "");
    editor.innerHTML = textarea.value;
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
    bar.appendChild(button("🔗", "链接", function () {
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
