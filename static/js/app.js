// Small behaviours htmx does not cover. Every page works without this file.
"use strict";

// Ask before destructive submits: <form data-confirm="Delete this?">, or on the one button that sends
// it. Runs in the capture phase so that a refusal also stops htmx from sending the form.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = event.submitter?.dataset.confirm
    ?? (form instanceof HTMLFormElement ? form.dataset.confirm : undefined);
  if (question && !window.confirm(question)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

// Selects marked data-autosubmit send their form on change; their button stays for no-JS use.
document.addEventListener("change", (event) => {
  const select = event.target;
  if (select instanceof HTMLSelectElement && select.hasAttribute("data-autosubmit")) {
    select.form.requestSubmit();
  }
});

document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-autosubmit-button]")) {
    button.hidden = true;
  }
});

// The phone menu: the Menu button (shown from here on) opens and closes the header's menu; Escape
// closes it and gives the focus back to the button.
document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector("[data-menu-button]");
  const menu = button && document.getElementById(button.getAttribute("aria-controls"));
  if (!menu) {
    return;
  }
  button.hidden = false;
  const toggle = (open) => {
    menu.classList.toggle("open", open);
    button.setAttribute("aria-expanded", String(open));
  };
  button.addEventListener("click", () => toggle(!menu.classList.contains("open")));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && menu.classList.contains("open")) {
      toggle(false);
      button.focus();
    }
  });
});

// Tell the server the browser's time zone, so times show in it (next page on; UTC until then).
(() => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && !document.cookie.split("; ").includes(`tz=${zone}`)) {
    document.cookie = `tz=${zone}; path=/; max-age=31536000; samesite=lax`;
  }
})();

// A header checkbox <input data-select-all="id"> ticks every checkbox named "id" in its form.
document.addEventListener("change", (event) => {
  const box = event.target;
  if (box instanceof HTMLInputElement && box.dataset.selectAll && box.form) {
    for (const other of box.form.querySelectorAll(`input[type=checkbox][name="${box.dataset.selectAll}"]`)) {
      other.checked = box.checked;
    }
  }
});

// An image field's thumbnail (.image-input) follows the address typed, once it is changed.
document.addEventListener("change", (event) => {
  const input = event.target;
  const box = input instanceof HTMLInputElement ? input.closest(".image-input") : null;
  if (!box) {
    return;
  }
  const address = input.value.trim();
  let thumb = box.querySelector("img.thumb");
  if (!/^(https?:\/\/|\/(?!\/))/i.test(address)) {
    thumb?.remove();
    return;
  }
  if (!thumb) {
    thumb = document.createElement("img");
    thumb.className = "thumb";
    thumb.alt = "";
    box.append(thumb);
  }
  thumb.src = address;
});

// A table wider than the screen scrolls in its own box (static/css/app.css): the keyboard can reach and
// scroll it too. Checked again when the width changes or htmx swaps a part of the page.
(() => {
  const reachable = () => {
    for (const table of document.querySelectorAll(".table")) {
      if (table.scrollWidth > table.clientWidth) {
        table.tabIndex = 0;
      } else {
        table.removeAttribute("tabindex");
      }
    }
  };
  document.addEventListener("DOMContentLoaded", reachable);
  document.addEventListener("htmx:afterSettle", reachable);
  window.addEventListener("resize", reachable);
})();
