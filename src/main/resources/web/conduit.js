// Progressive enhancement: every page works without this file (plain links and forms that post and redirect).
// With it, the forms marked data-enhance (favorite, follow, comment, delete comment) and the pagination links
// fetch the page the server answers with and swap it into <main>, in place: no reload, scroll kept, and focus
// back on the control that was used.
(function () {
  "use strict";

  function swap(html, url, focusKey) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var main = document.querySelector("main");
    var fresh = page.querySelector("main");
    if (!main || !fresh) {
      window.location.assign(url);
      return;
    }
    main.replaceWith(fresh);
    document.title = page.title;
    if (focusKey) {
      var again = fresh.querySelector('form[data-enhance="' + CSS.escape(focusKey) + '"] button, form[data-enhance="'
        + CSS.escape(focusKey) + '"] textarea');
      if (again) {
        again.focus();
      }
    }
  }

  function load(url, options, focusKey) {
    options.headers = { "Accept": "text/html" };
    options.credentials = "same-origin";
    return fetch(url, options).then(function (response) {
      // any page the server answers with is shown, an error's (a form's problems, a limit) too
      if (!(response.headers.get("Content-Type") || "").startsWith("text/html")) {
        throw new Error("status " + response.status);
      }
      return response.text().then(function (html) {
        swap(html, response.url, focusKey);
        return response.url;
      });
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-enhance]")) {
      return;
    }
    event.preventDefault();
    var button = form.querySelector("button");
    if (button) {
      button.disabled = true;
    }
    var body = new URLSearchParams(new FormData(form));
    // no answer: the post may have been done, so it is not sent again; the button is there to try once more
    load(form.action, { method: "POST", body: body }, form.getAttribute("data-enhance"))
      .catch(function () {
        if (button) {
          button.disabled = false;
        }
      });
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest(".pagination a");
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) {
      return;
    }
    event.preventDefault();
    load(link.href, { method: "GET" }, null).then(function (url) {
      history.pushState(null, "", url);
      var articles = document.getElementById("articles");
      if (articles) {
        articles.scrollIntoView();
      }
    }).catch(function () { window.location.assign(link.href); });
  });

  window.addEventListener("popstate", function () {
    load(window.location.href, { method: "GET" }, null).catch(function () { window.location.reload(); });
  });
})();
