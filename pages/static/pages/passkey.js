// Passkeys on the account pages: the one script of the pages, served as a file (the
// Content-Security-Policy allows no inline script). Every form marked data-passkey asks
// its page's endpoint for WebAuthn options (data-options-url, with the CSRF token of
// the form), lets the browser's authenticator answer them, puts the answer in the
// form's hidden credential field as JSON and submits the form: the server decides
// and the browser follows its answer. Without WebAuthn the forms stay hidden.
"use strict";

(function () {
  if (!window.PublicKeyCredential || !navigator.credentials) {
    return;
  }

  const toBytes = (text) => {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  };
  const toText = (buffer) => {
    let binary = "";
    new Uint8Array(buffer).forEach((byte) => { binary += String.fromCharCode(byte); });
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  };
  const withIds = (list) => (list || []).map((c) => ({...c, id: toBytes(c.id)}));

  const create = async (options) => {
    const credential = await navigator.credentials.create({
      publicKey: {
        ...options,
        challenge: toBytes(options.challenge),
        user: {...options.user, id: toBytes(options.user.id)},
        excludeCredentials: withIds(options.excludeCredentials),
      },
    });
    const answer = credential.response;
    return {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: {
        clientDataJSON: toText(answer.clientDataJSON),
        attestationObject: toText(answer.attestationObject),
        transports: answer.getTransports ? answer.getTransports() : [],
      },
    };
  };

  const get = async (options) => {
    const credential = await navigator.credentials.get({
      publicKey: {
        ...options,
        challenge: toBytes(options.challenge),
        allowCredentials: withIds(options.allowCredentials),
      },
    });
    const answer = credential.response;
    return {
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
    };
  };

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
    const answer = form.dataset.passkey === "create" ? await create(body) : await get(body);
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
