// The admin's second step with a passkey: ask the API for request options bound to the
// pending sign-in, let the browser's authenticator sign them, post the answer with the
// form. Served as a file (the pages' Content-Security-Policy allows no inline script).
"use strict";

(function () {
  const form = document.getElementById("login-form");
  const button = document.getElementById("use-passkey");
  if (!form || !button || !window.PublicKeyCredential) {
    return;
  }
  button.hidden = false;

  const toBytes = (text) => {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  };
  const toText = (buffer) =>
    btoa(String.fromCharCode(...new Uint8Array(buffer)))
      .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

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
    const options = await response.json();
    const credential = await navigator.credentials.get({
      publicKey: {
        ...options,
        challenge: toBytes(options.challenge),
        allowCredentials: (options.allowCredentials || []).map((c) => ({...c, id: toBytes(c.id)})),
      },
    });
    const answer = credential.response;
    form.elements.credential.value = JSON.stringify({
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: {
        clientDataJSON: toText(answer.clientDataJSON),
        authenticatorData: toText(answer.authenticatorData),
        signature: toText(answer.signature),
        userHandle: answer.userHandle ? toText(answer.userHandle) : undefined,
      },
    });
    form.submit();
  });
})();
