/* Behaviour of the staff pages, kept out of the HTML so that the Content-Security-Policy
   allows no inline script. */
(function () {
  /* Times on pages are shown in the reader's own time zone. */
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && document.cookie.indexOf("cf_tz=" + zone) === -1) {
    document.cookie = "cf_tz=" + zone + "; path=/; max-age=31536000; samesite=lax";
  }
  document.addEventListener("change", function (event) {
    var target = event.target;
    /* <select data-submit-on-change>: choosing is sending. */
    if (target.matches && target.matches("[data-submit-on-change]") && target.form) {
      target.form.submit();
    }
    /* <input data-fill="id">: copy the chosen value into another field. */
    if (target.matches && target.matches("[data-fill]")) {
      var field = document.getElementById(target.getAttribute("data-fill"));
      if (field) { field.value = target.value; }
    }
  });
})();
