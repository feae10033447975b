// Colour theme: follows the system until the toggle picks light or dark, remembered
// in localStorage. Loaded in <head> so the chosen theme applies before first paint.
(function () {
  var KEY = "spacewarden-theme";
  // The labels come from the button (data-label-*), in the page's language.
  var NEXT = { system: "light", light: "dark", dark: "system" };
  var root = document.documentElement;

  function stored() {
    try {
      var value = localStorage.getItem(KEY);
      return value === "light" || value === "dark" ? value : "system";
    } catch (e) {
      return "system";
    }
  }

  function apply(theme) {
    if (theme === "system") {
      root.removeAttribute("data-theme");
    } else {
      root.setAttribute("data-theme", theme);
    }
    var button = document.getElementById("theme-toggle");
    if (button) {
      var label = button.getAttribute("data-label-" + theme) || theme;
      var click = button.getAttribute("data-label-click") || "%s";
      button.textContent = label;
      button.setAttribute("aria-label", click.replace("%s", label));
    }
  }

  // Marks the page as scripted: the browser test reads it to see the script ran
  // under the content security policy.
  root.setAttribute("data-js", "on");
  apply(stored());
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("theme-toggle");
    apply(stored());
    if (!button) return;
    button.addEventListener("click", function () {
      var theme = NEXT[stored()];
      try {
        if (theme === "system") localStorage.removeItem(KEY);
        else localStorage.setItem(KEY, theme);
      } catch (e) {}
      apply(theme);
    });
  });
})();
