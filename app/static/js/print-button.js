// Buttons marked data-print print the page (no inline onclick: the CSP refuses inline handlers).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
