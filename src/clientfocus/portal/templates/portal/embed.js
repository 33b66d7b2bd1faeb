(function () {
  /* Puts the clientfocus contact form where this script tag stands. */
  var script = document.currentScript;
  var frame = document.createElement("iframe");
  var lang = script && script.getAttribute("data-lang");
  frame.src = "{{ url|escapejs }}" + (lang ? "?lang=" + encodeURIComponent(lang) : "");
  frame.title = "Contact form";
  frame.style.width = "100%";
  frame.style.minHeight = "640px";
  frame.style.border = "0";
  script.parentNode.insertBefore(frame, script);
})();
