// "Your updates": save each change as it is made, and ask before leaving with unsaved
// changes. Progressive enhancement of a page that works without it (its "Save all drafts"
// button saves everything); loaded as a file, as the Content-Security-Policy allows no
// inline script. The server answers a request marked X-Autosave with JSON: each item's
// version now, the problems of those it could not save and a risk's score as saved (the
// server's words: no rule is worked out here). Nothing saved because of a problem is a 400
// (409: someone else's change) with the same JSON, read like a 200.
(function () {
  "use strict";
  var form = document.getElementById("updates-form");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var dirty = {}; // item key → true while it has changes not yet saved
  var submitting = false;
  var saving = null;
  var again = false;
  var timer = null;

  function section(element) {
    var box = element.closest ? element.closest("[data-update]") : null;
    return box ? box.getAttribute("data-update") : null;
  }

  function say(key, text) {
    var status = document.getElementById(key + "-saved");
    if (status) {
      status.textContent = text;
    }
  }

  function anyDirty() {
    for (var key in dirty) {
      if (dirty[key]) {
        return true;
      }
    }
    return false;
  }

  function save() {
    if (saving) {
      again = true;
      return;
    }
    var data = new FormData(form);
    data.set("action", "draft");
    var sent = {};
    for (var key in dirty) {
      if (dirty[key]) {
        sent[key] = true;
        say(key, "Saving…");
      }
    }
    // getAttribute: form.action would be the buttons named "action".
    saving = fetch(form.getAttribute("action"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Autosave": "1", Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok && response.status !== 400 && response.status !== 409) {
          throw new Error("status " + response.status);
        }
        return response.json(); // not JSON (a proxy's error page): caught below
      })
      .then(function (answer) {
        var time = new Date().toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
        Object.keys(answer.rows).forEach(function (key) {
          var row = answer.rows[key];
          var box = form.querySelector('[data-update="' + key + '"]');
          if (!box) {
            return;
          }
          var version = box.querySelector("[data-version]");
          if (version && row.version !== null) {
            version.value = String(row.version);
          }
          var score = box.querySelector("[data-score]");
          if (score && typeof row.score === "string") {
            score.textContent = row.score;
          }
          if (row.errors.length) {
            say(key, "Not saved yet: " + row.errors.join(" "));
            dirty[key] = true;
          } else if (sent[key]) {
            say(key, "Draft saved at " + time);
            dirty[key] = false;
          }
        });
      })
      .catch(function () {
        Object.keys(sent).forEach(function (key) {
          say(key, "Not saved yet: use Save all drafts");
        });
      })
      .then(function () {
        saving = null;
        if (again) {
          again = false;
          save();
        }
      });
  }

  form.addEventListener("input", function (event) {
    var key = section(event.target);
    if (key) {
      dirty[key] = true;
    }
  });
  form.addEventListener("change", function (event) {
    var key = section(event.target);
    if (key) {
      dirty[key] = true;
      window.clearTimeout(timer);
      // A moment's wait: a button pressed just after the change submits the page instead.
      timer = window.setTimeout(save, 300);
    }
  });
  form.addEventListener("submit", function (event) {
    window.clearTimeout(timer);
    if (saving && !submitting) {
      // Let the save in progress finish (it brings the new versions), then submit.
      event.preventDefault();
      var button = event.submitter;
      saving.then(function () {
        submitting = true;
        form.requestSubmit(button);
      });
      return;
    }
    submitting = true;
  });
  window.addEventListener("beforeunload", function (event) {
    if (!submitting && (anyDirty() || saving)) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
