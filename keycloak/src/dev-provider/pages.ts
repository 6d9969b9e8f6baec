/**
 * HTML pages of the development provider. The login form uses Keycloak's element ids and field
 * names (`form#kc-form-login`, `#username`, `#password`, `#kc-login`, `#input-error`), so a
 * browser test or a form-posting HTTP client written against this page works against Keycloak's
 * default theme too, and the other way round.
 */

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

const STYLE = `
  :root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  body { margin: 0; min-height: 100vh; background: #1e2b38; display: flex; align-items: flex-start; justify-content: center; }
  main { margin: 8vh 16px 32px; width: 100%; max-width: 420px; background: #fff; border-radius: 6px; box-shadow: 0 8px 24px rgb(0 0 0 / 30%); padding: 32px; box-sizing: border-box; }
  header { color: #fff; text-align: center; }
  h1 { font-size: 1.4rem; font-weight: 600; margin: 0 0 20px; color: #151515; text-align: center; }
  .realm { color: #6a6e73; font-size: .85rem; text-align: center; margin: -12px 0 20px; }
  label { display: block; font-weight: 600; font-size: .9rem; margin: 14px 0 6px; color: #151515; }
  input[type=text], input[type=password] { width: 100%; box-sizing: border-box; padding: 10px; font-size: 1rem; border: 1px solid #8a8d90; border-radius: 3px; }
  input[aria-invalid=true] { border-color: #c9190b; }
  button { font: inherit; cursor: pointer; }
  #kc-login, #kc-logout { width: 100%; margin-top: 22px; padding: 10px; font-weight: 600; color: #fff; background: #0066cc; border: 0; border-radius: 3px; }
  #kc-login:hover, #kc-logout:hover { background: #004080; }
  .alert { padding: 10px 12px; border-radius: 3px; margin-bottom: 8px; font-size: .95rem; }
  .alert-error { background: #faeae8; color: #7d1007; border-left: 4px solid #c9190b; }
  .dev-note { margin-top: 28px; padding-top: 16px; border-top: 1px solid #d2d2d2; font-size: .85rem; color: #4f5255; }
  .dev-note table { width: 100%; border-collapse: collapse; margin-top: 8px; }
  .dev-note td { padding: 4px 2px; vertical-align: middle; }
  .dev-note button { background: none; border: 1px solid #0066cc; color: #0066cc; border-radius: 3px; padding: 3px 8px; white-space: nowrap; }
  .dev-note button:hover { background: #e7f1fa; }
  code { font-size: .9em; }
`;

function layout(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

export interface DemoUserHint {
  username: string;
  password: string;
  description: string;
}

export interface LoginPageInput {
  realmDisplayName: string;
  action: string;
  clientName: string;
  username?: string;
  error?: string;
  /** Demo users offered as one-click sign-ins (development data only). */
  demoUsers: DemoUserHint[];
}

export function loginPage(input: LoginPageInput): string {
  const invalid = input.error ? ' aria-invalid="true"' : '';
  const error = input.error
    ? `<div class="alert alert-error" role="alert"><span id="input-error" class="kc-feedback-text" aria-live="polite">${escapeHtml(input.error)}</span></div>`
    : '';
  const demo = input.demoUsers.length
    ? `<section class="dev-note" aria-label="Demo users">
  <strong>Development sign-in.</strong> This is wrrk's development OpenID provider, not Keycloak; it serves the demo users below.
  <table>
    ${input.demoUsers
      .map(
        (user) =>
          `<tr><td><code>${escapeHtml(user.username)}</code></td><td>${escapeHtml(user.description)}</td><td><button type="button" class="demo-login" data-username="${escapeHtml(user.username)}" data-password="${escapeHtml(user.password)}">Sign in</button></td></tr>`,
      )
      .join('\n    ')}
  </table>
  <script>
    for (const button of document.querySelectorAll('button.demo-login')) {
      button.addEventListener('click', () => {
        document.getElementById('username').value = button.dataset.username;
        document.getElementById('password').value = button.dataset.password;
        document.getElementById('kc-form-login').requestSubmit();
      });
    }
  </script>
</section>`
    : '';
  return layout(
    `Sign in to ${input.realmDisplayName}`,
    `<h1 id="kc-page-title">Sign in to your account</h1>
<p class="realm">${escapeHtml(input.realmDisplayName)} · ${escapeHtml(input.clientName)}</p>
${error}
<form id="kc-form-login" action="${escapeHtml(input.action)}" method="post" novalidate>
  <label for="username">Username or email</label>
  <input tabindex="1" id="username" name="username" type="text" value="${escapeHtml(input.username ?? '')}" autofocus autocomplete="username"${invalid}>
  <label for="password">Password</label>
  <input tabindex="2" id="password" name="password" type="password" autocomplete="current-password"${invalid}>
  <input type="hidden" id="id-hidden-input" name="credentialId">
  <button tabindex="4" id="kc-login" name="login" type="submit">Sign In</button>
</form>
${demo}`,
  );
}

/** Keycloak's "We are sorry…" page, with the reason in `#kc-error-message`. */
export function errorPage(message: string, detail?: string): string {
  return layout(
    'We are sorry...',
    `<h1 id="kc-page-title">We are sorry...</h1>
<div id="kc-error-message"><p class="instruction">${escapeHtml(message)}</p>${detail ? `<p class="realm">${escapeHtml(detail)}</p>` : ''}</div>`,
  );
}

/**
 * Logout with a valid `id_token_hint`: Keycloak signs out without asking. oidc-provider needs a
 * POST for that (cross-site request protection), so the page submits itself at once; the
 * button is the fallback without JavaScript.
 */
export function logoutAutoSubmitPage(form: string): string {
  return layout(
    'Signing out',
    `<h1 id="kc-page-title">Signing out…</h1>
${form}
<noscript><button id="kc-logout" type="submit" form="op.logoutForm">Continue</button></noscript>
<script>document.getElementById('op.logoutForm').submit();</script>`,
  );
}

/** Logout without `id_token_hint`: Keycloak asks for confirmation. */
export function logoutConfirmPage(form: string): string {
  return layout(
    'Logging out',
    `<h1 id="kc-page-title">Logging out</h1>
<p class="instruction">Do you want to log out?</p>
${form}
<button id="kc-logout" type="submit" form="op.logoutForm">Logout</button>`,
  );
}

export function loggedOutPage(): string {
  return layout('Logging out', `<h1 id="kc-page-title">You are logged out</h1>`);
}

export interface IndexPageInput {
  issuer: string;
  demoUsers: DemoUserHint[];
}

export function indexPage(input: IndexPageInput): string {
  return layout(
    'wrrk development OpenID provider',
    `<h1>wrrk development OpenID provider</h1>
<p>Stands in for Keycloak in development, serving the same realm file at Keycloak's URL layout.</p>
<p>Issuer: <code>${escapeHtml(input.issuer)}</code><br>
<a href="${escapeHtml(input.issuer)}/.well-known/openid-configuration">Discovery document</a></p>
${input.demoUsers.length ? `<p>Demo users (development data):</p><ul>${input.demoUsers.map((user) => `<li><code>${escapeHtml(user.username)}</code> / <code>${escapeHtml(user.password)}</code> — ${escapeHtml(user.description)}</li>`).join('')}</ul>` : ''}`,
  );
}
