/* 我为政府网站找错: a link marked data-error-report (e.g. in the portal footer,
   href="{% url 'interaction:error_report' %}") opens the error form prefilled with this page's
   address and the text the reader selected. Without JavaScript the form takes the page from the
   Referer header. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-error-report]") : null;
    if (!link) return;
    var url = new URL(link.getAttribute("href"), window.location.href);
    url.searchParams.set("url", window.location.href);
    var selected = window.getSelection ? String(window.getSelection()).trim() : "";
    if (selected) url.searchParams.set("text", selected.slice(0, 500));
    link.setAttribute("href", url.toString());
  });
})();
