/* Rapid Flow Plumbing – site bundle (built 2025-03-02) */
(function () {
  "use strict";

  var SITE = {
    name: "Rapid Flow Plumbing",
    phone: "(512) 555-0147",
    phoneHref: "tel:+15125550147",
    email: "service@rapidflowplumbing.com",
    license: "Texas Master Plumber License M-40123",
    tagline: "Fast, honest plumbing for Austin homes since 2011.",
    hours: [
      "Monday–Friday 7am–6pm",
      "Saturday 8am–2pm",
      "Sunday closed (emergency line only)"
    ],
    emergency: "24/7 emergency service: burst pipes, sewer backups, no hot water. A $150 emergency call-out fee applies to visits after 6pm, on Sundays and on public holidays, on top of the normal price of the job.",
    services: [
      { name: "Service Call & Diagnostic", price: "$89", text: "We find the problem and quote a flat price before any work starts. Waived if we do the repair." },
      { name: "Drain Cleaning", price: "from $149", text: "Kitchen sinks, tubs, showers and floor drains cleared with a cable or hydro-jet." },
      { name: "Main Sewer Line Clearing", price: "from $275", text: "Root intrusion and backups cleared from the cleanout." },
      { name: "Sewer Camera Inspection", price: "$299", text: "Video inspection with a recording you keep. Great before buying a home." },
      { name: "Leak Detection", price: "$225", text: "Electronic and thermal leak location, slab leaks included." },
      { name: "Toilet Repair", price: "from $125", text: "Running toilets, leaks at the base, new fill valves and flappers." },
      { name: "Water Heater Repair", price: "from $189", text: "Gas and electric tank heaters, pilot and thermocouple issues, leaking valves." },
      { name: "Water Heater Replacement", price: "from $1,450", text: "40-gallon gas tank heater supplied, installed and hauled away, with permit." },
      { name: "Garbage Disposal Install", price: "$275", text: "Includes a 3/4 HP disposal unit and haul-away of the old one." }
    ],
    areas: ["Austin", "Round Rock", "Cedar Park", "Pflugerville", "Georgetown", "Leander", "Buda", "Kyle"],
    promises: [
      "Upfront, flat-rate pricing: you approve the price before we start.",
      "1-year warranty on all labor.",
      "Free estimates on water heater replacement and whole-house repiping.",
      "10% off for seniors and military – just ask when you book."
    ],
    team: [
      { name: "Dave Kowalski", role: "Owner & Master Plumber" },
      { name: "Luis Herrera", role: "Service Manager" }
    ],
    reviews: [
      { by: "Karen M., Round Rock", text: "Dave had our water heater swapped out the same afternoon. Fair price, clean work." },
      { by: "J. Okoye, East Austin", text: "Came out at 11pm for a burst pipe. Told me the call-out fee up front. Lifesavers." }
    ]
  };

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "className") node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function serviceCard(s) {
    return el("div", { className: "rf-card" }, [
      el("h3", {}, [s.name]),
      el("p", { className: "rf-price" }, [s.price]),
      el("p", {}, [s.text])
    ]);
  }

  function render(root) {
    var app = el("div", { className: "rf-app" }, [
      el("div", { className: "rf-top" }, [
        "Plumbing emergency? We answer 24/7: ",
        el("a", { href: SITE.phoneHref }, [SITE.phone])
      ]),
      el("header", { className: "rf-nav" }, [
        el("strong", {}, [SITE.name]),
        el("nav", {}, [
          el("a", { href: "#services" }, ["Services"]),
          el("a", { href: "#areas" }, ["Service Areas"]),
          el("a", { href: "#about" }, ["About"]),
          el("a", { href: "#contact" }, ["Contact"])
        ])
      ]),
      el("main", {}, [
        el("section", { className: "rf-hero" }, [
          el("h1", {}, ["Austin's plumber, on time or we pay you $50"]),
          el("p", {}, [SITE.tagline]),
          el("p", {}, [el("a", { href: SITE.phoneHref, className: "rf-btn" }, ["Call " + SITE.phone])])
        ]),
        el("section", { id: "services" }, [
          el("h2", {}, ["Services & Pricing"]),
          el("div", { className: "rf-grid" }, SITE.services.map(serviceCard))
        ]),
        el("section", { id: "emergency", className: "rf-emergency" }, [
          el("h2", {}, ["Emergency Plumbing"]),
          el("p", {}, [SITE.emergency])
        ]),
        el("section", { id: "areas" }, [
          el("h2", {}, ["Areas We Serve"]),
          el("p", {}, ["We serve Travis and Williamson County, including:"]),
          el("ul", { className: "rf-areas" }, SITE.areas.map(function (a) { return el("li", {}, [a]); }))
        ]),
        el("section", { id: "about" }, [
          el("h2", {}, ["Why Rapid Flow?"]),
          el("ul", {}, SITE.promises.map(function (p) { return el("li", {}, [p]); })),
          el("div", { className: "rf-grid" }, SITE.team.map(function (t) {
            return el("div", { className: "rf-card" }, [el("h3", {}, [t.name]), el("p", {}, [t.role])]);
          })),
          el("p", {}, [SITE.license + ". Licensed & insured. Regulated by the Texas State Board of Plumbing Examiners."])
        ]),
        el("section", { id: "reviews" }, [
          el("h2", {}, ["What Neighbors Say"]),
          el("div", { className: "rf-grid" }, SITE.reviews.map(function (r) {
            return el("blockquote", { className: "rf-card" }, [el("p", {}, ["“" + r.text + "”"]), el("cite", {}, ["– " + r.by])]);
          }))
        ])
      ]),
      el("footer", { id: "contact", className: "rf-footer" }, [
        el("h2", {}, ["Call " + SITE.phone]),
        el("p", {}, [SITE.email]),
        el("h3", {}, ["Office Hours"]),
        el("ul", {}, SITE.hours.map(function (h) { return el("li", {}, [h]); })),
        el("p", {}, ["© 2025 Rapid Flow Plumbing LLC. Austin, Texas."])
      ]),
      el("div", { className: "rf-cookie", id: "rf-cookie" }, [
        el("p", {}, ["We use cookies to understand how visitors use our site."]),
        el("button", { type: "button", id: "rf-cookie-ok" }, ["Accept"])
      ])
    ]);
    root.appendChild(app);
    document.getElementById("rf-cookie-ok").addEventListener("click", function () {
      document.getElementById("rf-cookie").remove();
    });
    document.title = SITE.name + " | Austin Plumber | Drain Cleaning, Water Heaters, 24/7 Emergencies";
  }

  function start() {
    var root = document.getElementById("root");
    if (root) render(root);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
