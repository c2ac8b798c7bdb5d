/* Podium's own script (a static file: the pages carry no inline script).
   - The header's menu button: on narrow screens the navigation collapses behind it.
   - "/" focuses the header's search box (unless the user is typing in a field).
   - The header's groups (Admin, the user's menu) close on a click elsewhere or Escape. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function setupMenu() {
    var button = document.querySelector(".menu-toggle");
    var header = document.querySelector(".topbar");
    if (!button || !header) return;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      header.classList.toggle("menu-open", open);
    });
  }

  function typing(target) {
    if (!target) return false;
    var tag = target.tagName;
    return target.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  function setupSearchShortcut() {
    document.addEventListener("keydown", function (event) {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
      var box = document.getElementById("global-q");
      if (!box) return;
      event.preventDefault();
      var header = document.querySelector(".topbar");
      var button = document.querySelector(".menu-toggle");
      if (box.offsetParent === null && header && button) {  // collapsed behind the menu button
        header.classList.add("menu-open");
        button.setAttribute("aria-expanded", "true");
      }
      box.focus();
      box.select();
    });
  }

  // Header groups (<details class="nav-group">): one open at a time; a click elsewhere or Escape
  // closes them (Escape returns focus to the group's summary).
  function closeGroups(except) {
    document.querySelectorAll("details.nav-group[open]").forEach(function (group) {
      if (group !== except) group.removeAttribute("open");
    });
  }
  document.addEventListener("click", function (event) {
    var group = event.target && event.target.closest ? event.target.closest("details.nav-group") : null;
    closeGroups(group);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = document.querySelector("details.nav-group[open]");
    if (!open) return;
    closeGroups(null);
    var summary = open.querySelector("summary");
    if (summary) summary.focus();
  });

  // <form data-confirm="Remove …?">: ask before submitting (instead of an inline onsubmit).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setupMenu(); setupSearchShortcut(); });
  } else {
    setupMenu();
    setupSearchShortcut();
  }
})();
