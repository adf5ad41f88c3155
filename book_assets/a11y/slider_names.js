// Accessible names for the ipywidgets sliders of the static book.
//
// ipywidgets 8 draws a slider's handle with noUiSlider: a <div role="slider"> that
// takes the keyboard focus, but nothing names it (the widget's description is a
// separate <label> that does not point at the handle), and its aria-valuetext is the
// slider's internal index. This script gives every handle the description as its
// aria-label and the readout (e.g. "+1.00") as its aria-valuetext, and keeps them up
// to date as widgets render and move. It changes nothing else on the page.
(function () {
  "use strict";

  function nameSliders() {
    document.querySelectorAll(".widget-slider").forEach(function (slider) {
      var label = slider.querySelector(".widget-label");
      var readout = slider.querySelector(".widget-readout");
      slider.querySelectorAll(".noUi-handle").forEach(function (handle) {
        var name = label ? label.textContent.trim() : "";
        var value = readout ? readout.textContent.trim() : "";
        if (name && handle.getAttribute("aria-label") !== name) {
          handle.setAttribute("aria-label", name);
        }
        if (value && handle.getAttribute("aria-valuetext") !== value) {
          handle.setAttribute("aria-valuetext", value);
        }
      });
    });
  }

  function start() {
    nameSliders();
    // Widgets render after the page has loaded, and noUiSlider rewrites
    // aria-valuetext on every move: watch for both (the attributes this script sets
    // are not watched, so it never triggers itself).
    new MutationObserver(nameSliders).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
      attributeFilter: ["aria-valuenow"],
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
