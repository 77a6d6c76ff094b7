// WebAuthn between the service's JSON and the browser, for its own pages (the account
// pages and the admin's second step): the API's options (base64url strings) become what
// navigator.credentials takes, and the authenticator's answer becomes the JSON the API
// verifies (the shape of WebAuthn Level 3's toJSON()). Served as a file: the
// Content-Security-Policy allows no inline script.
"use strict";

window.accountsWebAuthn = (function () {
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
  const answered = (credential, response) => ({
    id: credential.id,
    rawId: toText(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment,
    clientExtensionResults: credential.getClientExtensionResults(),
    response,
  });

  return {
    supported: Boolean(window.PublicKeyCredential && navigator.credentials),

    // Registration: a new passkey for the signed-in user.
    create: async (options) => {
      const credential = await navigator.credentials.create({
        publicKey: {
          ...options,
          challenge: toBytes(options.challenge),
          user: {...options.user, id: toBytes(options.user.id)},
          excludeCredentials: withIds(options.excludeCredentials),
        },
      });
      const answer = credential.response;
      return answered(credential, {
        clientDataJSON: toText(answer.clientDataJSON),
        attestationObject: toText(answer.attestationObject),
        transports: answer.getTransports ? answer.getTransports() : [],
      });
    },

    // Authentication: sign in, answer a second step or confirm it is you.
    get: async (options) => {
      const credential = await navigator.credentials.get({
        publicKey: {
          ...options,
          challenge: toBytes(options.challenge),
          allowCredentials: withIds(options.allowCredentials),
        },
      });
      const answer = credential.response;
      return answered(credential, {
        clientDataJSON: toText(answer.clientDataJSON),
        authenticatorData: toText(answer.authenticatorData),
        signature: toText(answer.signature),
        userHandle: answer.userHandle ? toText(answer.userHandle) : undefined,
      });
    },
  };
})();
