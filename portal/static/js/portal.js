// Small enhancements; every page works without them.
(function () {
  "use strict";

  // Move keyboard and screen-reader focus to the error summary after a failed submit.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }

  // Live word counts under long answers (the server enforces the same limits).
  function countWords(text) {
    var trimmed = text.trim();
    return trimmed ? trimmed.split(/\s+/).length : 0;
  }
  document.querySelectorAll("[data-word-count-for]").forEach(function (counter) {
    var field = document.getElementById(counter.getAttribute("data-word-count-for"));
    if (!field) {
      return;
    }
    var limit = parseInt(field.getAttribute("data-word-limit"), 10);
    var template = counter.getAttribute("data-template");
    function update() {
      var words = countWords(field.value);
      counter.textContent = template.replace("{count}", String(words));
      counter.classList.toggle("text-danger", words > limit);
    }
    field.addEventListener("input", update);
    update();
  });

  // Eligibility rules of the call's questions: say as soon as an answer breaks one, in the
  // words the server gives (data-rule-*); saving the section says the same without a script.
  function ruleAnswer(field, kind) {
    if (kind === "number") {
      var text = field.value.trim();
      return /^-?\d+$/.test(text) ? parseInt(text, 10) : null;
    }
    var checked = Array.prototype.filter.call(field.querySelectorAll("input"), function (input) {
      return input.checked;
    }).map(function (input) { return input.value; });
    if (!checked.length) {
      return null;
    }
    return kind === "yes_no" ? checked[0] === "yes" : checked;
  }
  function rulePasses(kind, operator, expected, answer) {
    if (answer === null) {
      return true;  // not answered yet: listed as missing, not as ineligible
    }
    if (kind === "number") {
      if (typeof expected !== "number") {
        return true;
      }
      if (operator === "at_least") { return answer >= expected; }
      if (operator === "at_most") { return answer <= expected; }
      if (operator === "equals") { return answer === expected; }
      return true;
    }
    if (kind === "yes_no") {
      return operator !== "equals" || answer === Boolean(expected);
    }
    var listed = expected || [];
    var chosen = answer.some(function (key) { return listed.indexOf(key) !== -1; });
    if (operator === "one_of") { return chosen; }
    if (operator === "none_of") { return !chosen; }
    return true;
  }
  document.querySelectorAll("[data-rule-operator]").forEach(function (field) {
    var target = document.getElementById(field.getAttribute("data-rule-target"));
    if (!target) {
      return;
    }
    var kind = field.getAttribute("data-rule-kind");
    var operator = field.getAttribute("data-rule-operator");
    var expected = null;
    try {
      expected = JSON.parse(field.getAttribute("data-rule-value"));
    } catch (e) {
      return;
    }
    var message = field.getAttribute("data-rule-message");
    function update() {
      var passes = rulePasses(kind, operator, expected, ruleAnswer(field, kind));
      target.textContent = passes ? "" : message;
    }
    field.addEventListener("input", update);
    field.addEventListener("change", update);
    update();
  });

  // Keep what is typed in this browser until the server has it: a lost connection, an
  // expired session or a crash then costs nothing. Cleared once the page shows the same text.
  var storage = null;
  try {
    storage = window.localStorage;
  } catch (e) {
    storage = null;
  }
  var PREFIX = "portal-draft:";
  function textFields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return (el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && el.type === "text")) && el.name;
    });
  }
  function valuesOf(form) {
    var values = {};
    textFields(form).forEach(function (el) { values[el.name] = el.value; });
    return values;
  }
  function same(a, b) {
    return Object.keys(a).every(function (k) { return (b[k] || "") === (a[k] || ""); });
  }
  document.querySelectorAll("form[data-keep-drafts]").forEach(function (form) {
    if (!storage) {
      return;
    }
    var key = PREFIX + form.getAttribute("data-keep-drafts");
    var saved = null;
    try {
      saved = JSON.parse(storage.getItem(key) || "null");
    } catch (e) {
      saved = null;
    }
    if (saved && !same(saved, valuesOf(form))) {
      var notice = document.createElement("div");
      notice.className = "alert alert-info";
      notice.setAttribute("role", "status");
      var text = document.createElement("p");
      text.textContent = form.getAttribute("data-restore-message");
      var restore = document.createElement("button");
      restore.type = "button";
      restore.className = "btn btn-sm btn-primary me-2";
      restore.textContent = form.getAttribute("data-restore-label");
      var discard = document.createElement("button");
      discard.type = "button";
      discard.className = "btn btn-sm btn-outline-secondary";
      discard.textContent = form.getAttribute("data-discard-label");
      notice.append(text, restore, discard);
      form.prepend(notice);
      restore.addEventListener("click", function () {
        textFields(form).forEach(function (el) {
          if (Object.prototype.hasOwnProperty.call(saved, el.name)) {
            el.value = saved[el.name];
            el.dispatchEvent(new Event("input"));
          }
        });
        notice.remove();
      });
      discard.addEventListener("click", function () {
        storage.removeItem(key);
        notice.remove();
      });
    } else if (saved) {
      storage.removeItem(key);
    }
    form.addEventListener("input", function () {
      try {
        storage.setItem(key, JSON.stringify(valuesOf(form)));
      } catch (e) {
        // Storage full or refused: the server copy still works.
      }
    });
  });

  // Signing out forgets the drafts kept in this browser.
  document.querySelectorAll("form[data-sign-out]").forEach(function (form) {
    form.addEventListener("submit", function () {
      if (!storage) {
        return;
      }
      Object.keys(storage).forEach(function (k) {
        if (k.indexOf(PREFIX) === 0) {
          storage.removeItem(k);
        }
      });
    });
  });
})();

// A job's progress page: follow the work without reloading, and show the result when it ends
// (without JavaScript the page refreshes itself instead).
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status-url]");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-job-status-url");
  function show(status) {
    if (status.state !== box.getAttribute("data-job-state")) {
      window.location.reload();
      return;
    }
    var bar = document.getElementById("job-bar");
    if (bar) {
      bar.value = status.percent;
      bar.textContent = status.percent + " %";
    }
    var step = document.getElementById("job-step");
    if (step && status.step) {
      step.textContent = status.step;
    }
    var counts = document.getElementById("job-counts");
    if (counts && status.total) {
      counts.textContent = box.getAttribute("data-counts-template")
        .replace("{done}", status.done.toLocaleString()).replace("{total}", status.total.toLocaleString());
    }
    var left = document.getElementById("job-left");
    if (left) {
      left.textContent = status.left ? "· " + box.getAttribute("data-left-template").replace("{left}", status.left) : "";
    }
  }
  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) { if (status) { show(status); } })
      .catch(function () {})
      .then(function () { window.setTimeout(poll, 1500); });
  }
  window.setTimeout(poll, 1000);
})();
