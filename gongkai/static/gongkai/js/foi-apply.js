/* The public FOI application form: show the organisation fields only for 法人或其他组织,
   and refresh the captcha without leaving the page. The form works the same without it. */
(function () {
  "use strict";
  var form = document.querySelector("form.foi-apply");
  if (!form) { return; }

  var orgFields = document.getElementById("org-fields");
  var idType = form.querySelector("select[name=id_type]");
  var radios = form.querySelectorAll("input[name=applicant_type]");

  function applicantType() {
    for (var i = 0; i < radios.length; i++) { if (radios[i].checked) { return radios[i].value; } }
    return "natural";
  }

  function sync(changed) {
    var legal = applicantType() === "legal";
    if (orgFields) { orgFields.hidden = !legal; }
    if (!changed || !idType) { return; }
    if (legal && idType.value !== "uscc" && idType.value !== "other") { idType.value = "uscc"; }
    if (!legal && idType.value === "uscc") { idType.value = "resident_id"; }
  }
  for (var i = 0; i < radios.length; i++) {
    radios[i].addEventListener("change", function () { sync(true); });
  }
  sync(false);

  // With JavaScript the refresh button fetches a new image in place (and is no longer a submit
  // button, so Enter in a field submits the application). Without it, it re-shows the form.
  var refresh = document.getElementById("captcha-refresh");
  if (refresh && window.fetch && refresh.getAttribute("data-refresh-url")) {
    refresh.type = "button";
    refresh.addEventListener("click", function () {
      var url = refresh.getAttribute("data-refresh-url");
      if (!url) { return; }
      fetch(url, { headers: { "X-Requested-With": "XMLHttpRequest" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error("captcha refresh failed"); }
          return response.json();
        })
        .then(function (data) {
          var image = document.getElementById("captcha-image");
          var key = form.querySelector("input[name=captcha_0]");
          var answer = form.querySelector("input[name=captcha_1]");
          if (image) { image.src = data.image_url; }
          if (key) { key.value = data.key; }
          if (answer) { answer.value = ""; answer.focus(); }
        })
        .catch(function () {
          refresh.removeAttribute("data-refresh-url");
          refresh.type = "submit";
          refresh.click();
        });
    });
  }

  var summary = document.getElementById("form-errors");
  if (summary) { summary.focus(); }
})();
