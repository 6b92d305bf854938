/* cookiegate loader (minimal): Consent Mode defaults and the stored choice. */
(function () {
  "use strict";
  var R = /*@rules@*/{};
  var w = window;
  w.dataLayer = w.dataLayer || [];
  function gtag() { w.dataLayer.push(arguments); }
  gtag("consent", "default", {
    ad_storage: "denied", ad_user_data: "denied", ad_personalization: "denied",
    analytics_storage: "denied", personalization_storage: "denied",
    functionality_storage: "denied", security_storage: "granted", wait_for_update: 500
  });
  w.cookiegate = { rules: R };
})();
