// Sign-in: OAuth 2.0 authorization code with PKCE against Cognito's managed login (or, on the
// local stage, the stack's stand-in for it). The ID token lives in memory only; the refresh
// token in sessionStorage (this tab, gone when it closes), so a reload does not sign you out.

const VERIFIER = "clarion.pkce.verifier";
const STATE = "clarion.pkce.state";
const REFRESH = "clarion.refresh";
const RETURN_TO = "clarion.return_to";

let config = null;
let idToken = null;
let expiresAt = 0;
let refreshTimer = null;
let onExpired = () => {};

function base64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomString() {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

async function challenge(verifier) {
  return base64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
}

async function loadConfig() {
  if (!config) {
    const response = await fetch("console/sign-in.json");
    if (!response.ok) throw new Error("The sign-in settings could not be loaded.");
    config = await response.json();
  }
  return config;
}

async function tokenRequest(form) {
  const cfg = await loadConfig();
  const response = await fetch(cfg.token_url, {
    method: "POST", headers: {"Content-Type": "application/x-www-form-urlencoded"},
    body: new URLSearchParams({client_id: cfg.client_id, ...form}).toString(),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok || !data.id_token) throw new Error(data.error_description || data.error || "Sign-in failed.");
  idToken = data.id_token;
  expiresAt = Date.now() + (Number(data.expires_in) || 3600) * 1000;
  if (data.refresh_token) sessionStorage.setItem(REFRESH, data.refresh_token);
  clearTimeout(refreshTimer);
  // Refresh a minute before the token expires, so no request goes out with a stale one.
  refreshTimer = setTimeout(() => refresh().catch(() => onExpired()), Math.max(5000, expiresAt - Date.now() - 60000));
}

async function refresh() {
  const token = sessionStorage.getItem(REFRESH);
  if (!token) throw new Error("not signed in");
  try {
    await tokenRequest({grant_type: "refresh_token", refresh_token: token});
  } catch (error) {
    sessionStorage.removeItem(REFRESH);
    throw error;
  }
}

export const session = {
  /** Finish a sign-in redirect, or resume from the refresh token. True when signed in. */
  async start(expired) {
    onExpired = expired;
    const params = new URLSearchParams(location.search);
    if (params.get("error")) {
      history.replaceState(null, "", location.pathname);
      throw new Error(`Sign-in was not completed: ${params.get("error_description") || params.get("error")}`);
    }
    if (params.get("code")) {
      const expected = sessionStorage.getItem(STATE);
      const verifier = sessionStorage.getItem(VERIFIER);
      sessionStorage.removeItem(STATE);
      sessionStorage.removeItem(VERIFIER);
      const returnTo = sessionStorage.getItem(RETURN_TO) || "";
      sessionStorage.removeItem(RETURN_TO);
      history.replaceState(null, "", location.pathname + returnTo);
      if (!expected || params.get("state") !== expected || !verifier) {
        throw new Error("That sign-in answer was not for this page. Sign in again.");
      }
      const cfg = await loadConfig();
      await tokenRequest({grant_type: "authorization_code", code: params.get("code"),
                          redirect_uri: cfg.redirect_uri, code_verifier: verifier});
      return true;
    }
    if (sessionStorage.getItem(REFRESH)) {
      try { await refresh(); return true; } catch { return false; }
    }
    return false;
  },

  async signIn() {
    const cfg = await loadConfig();
    const verifier = randomString();
    const state = randomString();
    sessionStorage.setItem(VERIFIER, verifier);
    sessionStorage.setItem(STATE, state);
    sessionStorage.setItem(RETURN_TO, location.hash);
    const url = new URL(cfg.authorize_url);
    url.search = new URLSearchParams({
      response_type: "code", client_id: cfg.client_id, redirect_uri: cfg.redirect_uri,
      scope: (cfg.scopes || ["openid"]).join(" "), state,
      code_challenge: await challenge(verifier), code_challenge_method: "S256",
    }).toString();
    location.assign(url.toString());
  },

  async signOut() {
    const cfg = await loadConfig();
    const token = sessionStorage.getItem(REFRESH);
    this.forget();
    if (token && cfg.revoke_url) {
      // The refresh token dies with the sign-out, not just in this tab (best effort: leaving anyway).
      await fetch(cfg.revoke_url, {method: "POST", headers: {"Content-Type": "application/x-www-form-urlencoded"},
        body: new URLSearchParams({token, client_id: cfg.client_id}).toString()}).catch(() => {});
    }
    const url = new URL(cfg.logout_url);
    url.search = new URLSearchParams({client_id: cfg.client_id, logout_uri: cfg.redirect_uri}).toString();
    location.assign(url.toString());
  },

  /** Drop every token this page holds. */
  forget() {
    idToken = null;
    expiresAt = 0;
    clearTimeout(refreshTimer);
    sessionStorage.removeItem(REFRESH);
  },

  async token() {
    if (idToken && Date.now() < expiresAt - 30000) return idToken;
    await refresh().catch(() => onExpired());
    return idToken || "";
  },

  expired() {
    onExpired();
  },
};
