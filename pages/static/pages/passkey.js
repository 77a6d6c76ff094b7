// Passkeys on the account pages, served as a file (the Content-Security-Policy allows no
// inline script), over the service's WebAuthn helper (accounts/webauthn.js). Every form
// marked data-passkey asks its page's endpoint for WebAuthn options (data-options-url, with the CSRF token of
// the form), lets the browser's authenticator answer them, puts the answer in the
// form's hidden credential field as JSON and submits the form: the server decides
// and the browser follows its answer. Without WebAuthn the forms stay hidden.
"use strict";

(function () {
  const webauthn = window.accountsWebAuthn;
  if (!webauthn || !webauthn.supported) {
    return;
  }

  const say = (form, text) => {
    const message = form.querySelector("[data-passkey-message]");
    if (message) {
      message.textContent = text;
      message.hidden = false;
    }
  };

  const ceremony = async (form) => {
    const response = await fetch(form.dataset.optionsUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "X-CSRFToken": form.elements.csrfmiddlewaretoken.value,
        "X-Back-To": form.dataset.backTo || window.location.pathname,
      },
    });
    const body = await response.json();
    if (response.status === 401 && body.location) {
      window.location.assign(body.location); // confirm it is you first, then come back
      return;
    }
    if (!response.ok) {
      say(form, body.message || form.dataset.error);
      return;
    }
    const answer = form.dataset.passkey === "create"
      ? await webauthn.create(body)
      : await webauthn.get(body);
    form.querySelector("[data-credential]").value = JSON.stringify(answer);
    form.submit();
  };

  document.querySelectorAll("[data-passkey-unsupported]").forEach((note) => {
    note.hidden = true;
  });
  document.querySelectorAll("[data-passkey-only]").forEach((part) => {
    part.hidden = false;
  });
  document.querySelectorAll("form[data-passkey]").forEach((form) => {
    form.hidden = false;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      ceremony(form).catch(() => say(form, form.dataset.error));
    });
  });
})();
