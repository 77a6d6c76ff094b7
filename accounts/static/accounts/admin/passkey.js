// The admin's second step with a passkey: ask the API for request options bound to the
// pending sign-in, let the browser's authenticator sign them, post the answer with the
// form (accounts/webauthn.js does the WebAuthn part). Served as a file: the
// Content-Security-Policy allows no inline script.
"use strict";

(function () {
  const form = document.getElementById("login-form");
  const button = document.getElementById("use-passkey");
  const webauthn = window.accountsWebAuthn;
  if (!form || !button || !webauthn || !webauthn.supported) {
    return;
  }
  button.hidden = false;

  button.addEventListener("click", async () => {
    const token = form.elements.mfa_token.value;
    const response = await fetch(button.dataset.optionsUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({mfa_token: token}),
    });
    if (!response.ok) {
      form.submit(); // the server says why (an expired sign-in, say)
      return;
    }
    const answer = await webauthn.get(await response.json());
    form.elements.credential.value = JSON.stringify(answer);
    form.submit();
  });
})();
