// A real OpenID Connect provider for plantracker's sign-in tests (tests/web/test_oidc_browser.py):
// the npm `oidc-provider` package on 127.0.0.1, with one static client and its development
// sign-in pages (any login name is an account; its email is the login name).
//
//   node provider.mjs PORT REDIRECT_URI POST_LOGOUT_REDIRECT_URI
//
// Prints "listening <issuer>" once it serves. A test may ask the provider to spoil the next
// token response: POST /_test/next-token with body "expired" (issued two hours in the past)
// or "tampered" (the ID token's email changed after signing).
import http from 'node:http';
import Provider from 'oidc-provider';

const [port, redirectUri, postLogoutRedirectUri] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;
const CLIENT_ID = 'plantracker';
const CLIENT_SECRET = 'plantracker-test-secret';

const realNow = Date.now;
let skewMs = 0;
Date.now = () => realNow() + skewMs;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: [redirectUri],
      post_logout_redirect_uris: [postLogoutRedirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    },
  ],
  // Scope claims in the ID token itself (plantracker reads the ID token, not userinfo).
  conformIdTokenClaims: false,
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  async findAccount(ctx, id) {
    const email = id.toLowerCase();
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          email,
          // "unverified..." accounts stand for an address the provider has not verified.
          email_verified: !email.startsWith('unverified'),
          name: email.split('@')[0],
        };
      },
    };
  },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  pkce: { required: () => true },
  cookies: { keys: ['plantracker-test-cookie-key'] },
  ttl: { IdToken: 3600, AccessToken: 3600 },
});

let nextToken = null;

function tamper(idToken) {
  const [header, payload, signature] = idToken.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  claims.email = 'admin@example.org';
  const forged = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return [header, forged, signature].join('.');
}

provider.use(async (ctx, next) => {
  const spoil = ctx.path === '/token' ? nextToken : null;
  if (spoil) nextToken = null;
  if (spoil === 'expired') skewMs = -2 * 60 * 60 * 1000;
  try {
    await next();
  } finally {
    skewMs = 0;
  }
  if (spoil === 'tampered' && ctx.body && ctx.body.id_token) {
    ctx.body = { ...ctx.body, id_token: tamper(ctx.body.id_token) };
  }
});

const callback = provider.callback();
const server = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/_test/next-token') {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      nextToken = body.trim() || null;
      res.writeHead(204);
      res.end();
    });
    return;
  }
  callback(req, res);
});
server.listen(Number(port), '127.0.0.1', () => {
  console.log(`listening ${issuer}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
