document.addEventListener("click", function (event) {
  var target = event.target.closest("[data-dismiss]");
  if (target) document.getElementById(target.getAttribute("data-dismiss")).remove();
});
