// A "Copy the link" button for a read-only text box: shown only where scripts run (without
// them the person selects the text and copies it, as the hint says).
document.querySelectorAll("button[data-copy]").forEach(function (button) {
  var box = document.getElementById(button.getAttribute("data-copy"));
  if (!box || !navigator.clipboard) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(box.value).then(function () {
      button.textContent = button.getAttribute("data-copied");
    });
  });
});
