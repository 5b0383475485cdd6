/*
 * sifasuo.js: the only first-party script of the site.
 *
 * The Content-Security-Policy allows scripts from 'self' only: no inline <script>, no
 * on* attributes, no eval. Every behaviour is declared in the markup with a data-*
 * attribute and wired here by event delegation on the document, so that it also works
 * on content that htmx swaps in later.
 *
 *   <select data-autosubmit>            submits its form when the value changes
 *   <form data-once>                    a second submit is ignored; its submit buttons are disabled
 *   <form|button|a data-confirm="…">    asks window.confirm(…) first; "Cancel" stops it
 *   <button data-print>                 opens the browser's print dialog
 *   <meta name="csrf-token">            sent as X-CSRFToken on every non-GET htmx request
 */
(function () {
  "use strict";

  var SAFE_METHODS = { get: true, head: true, options: true, trace: true };

  document.documentElement.classList.add("sf-js");

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") || "" : "";
  }

  function submitForm(form) {
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit(); // fires "submit", so data-once and data-confirm still apply
    } else {
      form.submit();
    }
  }

  function submitButtons(form) {
    var inside = form.querySelectorAll('button:not([type]), button[type="submit"], input[type="submit"], input[type="image"]');
    var outside = form.id
      ? document.querySelectorAll('[form="' + form.id + '"][type="submit"], button[form="' + form.id + '"]:not([type])')
      : [];
    return Array.prototype.slice.call(inside).concat(Array.prototype.slice.call(outside));
  }

  function setBusy(form, busy) {
    if (busy) {
      form.setAttribute("data-submitted", "");
      form.setAttribute("aria-busy", "true");
    } else {
      form.removeAttribute("data-submitted");
      form.removeAttribute("aria-busy");
    }
    submitButtons(form).forEach(function (button) {
      if (busy) {
        if (!button.disabled) {
          button.disabled = true;
          button.setAttribute("data-sf-disabled", "");
        }
      } else if (button.hasAttribute("data-sf-disabled")) {
        button.disabled = false;
        button.removeAttribute("data-sf-disabled");
      }
    });
  }

  // (a) auto-submit: the language switch and any other <select data-autosubmit>.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field && field.matches && field.matches("[data-autosubmit]") && field.form) {
      submitForm(field.form);
    }
  });

  // (b) + (d) one listener, so that a cancelled confirmation never disables the buttons.
  // Capture phase: it runs before htmx's own submit listener on the form, so a cancelled
  // confirmation or a repeated submit stops hx-post forms as well.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) {
      return;
    }
    var submitter = event.submitter || null;
    var message = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopPropagation();
      return;
    }
    if (form.hasAttribute("data-once")) {
      if (form.hasAttribute("data-submitted")) {
        event.preventDefault();
        event.stopPropagation();
        return;
      }
      // Disable after the browser has built the form data: a disabled submitter would
      // otherwise lose its name=value pair.
      window.setTimeout(function () { setBusy(form, true); }, 0);
      form.setAttribute("data-submitted", "");
    }
  }, true);

  // (d) for links and buttons that are not submitters (e.g. <a data-confirm href=…>).
  document.addEventListener("click", function (event) {
    var element = event.target && event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (!element || element.tagName === "FORM") {
      return;
    }
    var isSubmitter = element.form && (element.type === "submit" || element.type === "image");
    if (isSubmitter || element.hasAttribute("hx-confirm")) {
      return; // handled by the submit listener above, or by htmx itself
    }
    if (!window.confirm(element.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // Print buttons (recovery codes).
  document.addEventListener("click", function (event) {
    var element = event.target && event.target.closest ? event.target.closest("[data-print]") : null;
    if (element) {
      event.preventDefault();
      window.print();
    }
  });

  // A page restored from the back/forward cache must be usable again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.querySelectorAll("form[data-once][data-submitted]").forEach(function (form) {
        setBusy(form, false);
      });
    }
  });

  // (c) htmx: the CSRF token on unsafe requests; re-enable data-once forms htmx submitted.
  document.addEventListener("htmx:configRequest", function (event) {
    var verb = String(event.detail.verb || "get").toLowerCase();
    if (!SAFE_METHODS[verb]) {
      var token = csrfToken();
      if (token) {
        event.detail.headers["X-CSRFToken"] = token;
      }
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var element = event.detail && event.detail.elt;
    var form = element && (element.tagName === "FORM" ? element : element.form);
    if (form && form.hasAttribute("data-once") && document.body.contains(form)) {
      setBusy(form, false);
    }
  });
})();
