// The main menu on a phone: a Menu button shows and hides it, saying so with aria-expanded.
// Without scripts the button stays hidden and the whole menu shows.
(function () {
  var nav = document.querySelector(".main-nav");
  var button = nav && nav.querySelector(".menu-button");
  if (!button) {
    return;
  }
  nav.classList.add("is-collapsible");
  button.hidden = false;
  button.addEventListener("click", function () {
    var open = nav.classList.toggle("is-open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();
