// Today's specials, updated by Mai each morning before we open.
(function () {
  var SPECIALS = [
    { name: "Pear & Ginger Galette", price: "$6.50", note: "Hood River pears, candied ginger, almond frangipane" },
    { name: "Rye Chocolate Chip Cookie", price: "$3.75", note: "Dark rye flour, 70% chocolate, flaky salt" },
    { name: "Leek & Gruyère Scone", price: "$5.00", note: "Savory, buttery, best warm" }
  ];

  function render() {
    var box = document.getElementById("todays-specials");
    if (!box) return;
    var title = document.createElement("h2");
    title.textContent = "Today's Specials";
    box.appendChild(title);
    var list = document.createElement("ul");
    list.className = "specials-list";
    SPECIALS.forEach(function (s) {
      var li = document.createElement("li");
      var name = document.createElement("span");
      name.className = "special-name";
      name.textContent = s.name;
      var price = document.createElement("span");
      price.className = "special-price";
      price.textContent = s.price;
      var note = document.createElement("p");
      note.textContent = s.note;
      li.appendChild(name);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(price);
      li.appendChild(note);
      list.appendChild(li);
    });
    box.appendChild(list);
    var small = document.createElement("p");
    small.className = "specials-note";
    small.textContent = "Specials are baked in small batches and sell out fast.";
    box.appendChild(small);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", render);
  } else {
    render();
  }
})();
