// coach report: select a finding to highlight and scroll to its words in the transcript.
(function () {
  "use strict";
  var statusBox = document.getElementById("status");
  var current = null;

  function clear() {
    document.querySelectorAll(".is-active").forEach(function (el) {
      el.classList.remove("is-active");
    });
    document.querySelectorAll("[data-item][aria-current]").forEach(function (el) {
      el.removeAttribute("aria-current");
    });
    document.querySelectorAll("button.show[aria-pressed='true']").forEach(function (el) {
      el.setAttribute("aria-pressed", "false");
    });
    current = null;
  }

  function light(marks, what) {
    var turns = [];
    marks.forEach(function (mark) {
      mark.classList.add("is-active");
      var turn = mark.closest(".turn");
      if (turn && turns.indexOf(turn) < 0) {
        turn.classList.add("is-active");
        turns.push(turn);
      }
    });
    if (marks.length) {
      marks[0].scrollIntoView({ block: "center", inline: "nearest" });
    }
    var numbers = turns.map(function (t) { return t.id.replace("turn-", ""); });
    statusBox.textContent = marks.length
      ? what + ": highlighted in the transcript, turn" + (numbers.length > 1 ? "s " : " ") + numbers.join(", ")
      : what + ": no quote in the transcript";
  }

  function select(item) {
    var id = item.getAttribute("data-item");
    clear();
    current = id;
    item.classList.add("is-active");
    item.setAttribute("aria-current", "true");
    var button = item.querySelector("button.show");
    if (button) button.setAttribute("aria-pressed", "true");
    item.querySelectorAll("figure.quote").forEach(function (f) { f.classList.add("is-active"); });
    light(document.querySelectorAll('mark[data-items~="' + CSS.escape(id) + '"]'), id);
  }

  function selectQuote(link) {
    var key = link.getAttribute("data-quote");
    var item = link.closest("[data-item]");
    clear();
    if (item) {
      current = item.getAttribute("data-item");
      item.classList.add("is-active");
      item.setAttribute("aria-current", "true");
    }
    var figure = link.closest("figure.quote");
    if (figure) figure.classList.add("is-active");
    light(document.querySelectorAll('mark[data-quotes~="' + CSS.escape(key) + '"]'), link.textContent);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-quote]");
    if (link) {
      event.preventDefault();
      selectQuote(link);
      return;
    }
    if (event.target.closest("a")) return; // ordinary links keep their meaning
    var item = event.target.closest("[data-item][tabindex]");
    if (!item) return;
    if (window.getSelection && String(window.getSelection()).length) return; // copying text
    if (item.getAttribute("data-item") === current && event.target.closest("button.show")) {
      clear();
      statusBox.textContent = "Highlight cleared";
      return;
    }
    select(item);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && current) {
      clear();
      statusBox.textContent = "Highlight cleared";
      return;
    }
    var item = event.target;
    if ((event.key === "Enter" || event.key === " ") && item.matches && item.matches("[data-item][tabindex]")) {
      event.preventDefault();
      select(item);
    }
  });

  // Printing shows every quote the same way: no finding stays selected on paper.
  window.addEventListener("beforeprint", clear);
})();
