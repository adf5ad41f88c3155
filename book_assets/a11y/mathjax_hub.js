// MathJax 2's MathJax.Hub.Queue for the static slider, on top of the book's MathJax 3.
//
// @jupyter-widgets/html-manager (which draws chapter 3's slider from the stored widget
// state) typesets each widget's label with `MathJax.Hub.Queue(["Typeset", MathJax.Hub,
// element])` whenever `window.MathJax` exists. The book loads MathJax 3, which has no
// `Hub`, so every label threw "Cannot read properties of undefined (reading 'Queue')".
// This adds that one call, done the MathJax 3 way: typeset the element once MathJax has
// started. It changes nothing else, and nothing when MathJax is missing or has a Hub.
(function () {
  "use strict";

  function addHub() {
    var mathjax = window.MathJax;
    if (!mathjax || mathjax.Hub) {
      return;
    }
    mathjax.Hub = {
      Queue: function (job) {
        var element = job && job[2];
        var ready = mathjax.startup && mathjax.startup.promise;
        if (element && ready && mathjax.typesetPromise) {
          ready.then(function () {
            return mathjax.typesetPromise([element]);
          });
        }
      },
    };
  }

  // MathJax 3 is loaded with `defer`: it has replaced the configuration object by the
  // time the document is parsed, before html-manager draws the widgets.
  addHub();
  document.addEventListener("DOMContentLoaded", addHub);
})();
