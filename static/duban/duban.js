/* duban 督办: the ☰ button that opens the navigation on narrow screens. No framework, no inline script
   (works under a strict Content-Security-Policy). Without JavaScript the navigation simply stays open. */
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("nav-toggle");
  var bar = button && button.closest(".topbar");
  if (!bar) return;
  function setOpen(open) {
    bar.classList.toggle("nav-open", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }
  button.addEventListener("click", function () { setOpen(!bar.classList.contains("nav-open")); });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && bar.classList.contains("nav-open")) { setOpen(false); button.focus(); }
  });
});
