// A real OpenID Connect provider for the single sign-on tests: panva's node-oidc-provider
// (OpenID Certified), pinned in package.json / package-lock.json.
//
//   node oidc_provider.mjs '<config JSON>'
//
// The config names one client ({client_id, client_secret, redirect_uris}) and the accounts
// ({sub: {email, email_verified, name, tamper}}). The provider listens on a free port of
// 127.0.0.1 and prints one line, {"issuer": "http://127.0.0.1:<port>"}, when it is ready.
//
// Its development login page accepts any account id with any password; the client's grant is
// given without a consent page (a company's own application is usually pre-approved).
//
// `tamper` makes the token endpoint answer an ID token the relying party must refuse, still
// signed with the provider's own key (so only the relying party's claim checks can catch it):
//   "audience" -> aud is another client; "nonce" -> a nonce it never sent;
//   "expired"  -> exp an hour ago; "signature" -> signed by a key the provider never published.
import { createServer } from 'node:http';
import { createSign, generateKeyPairSync, randomBytes } from 'node:crypto';

import Provider from 'oidc-provider';

const config = JSON.parse(process.argv[2]);

function rsaJwk(kid) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, jwk: { ...privateKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' } };
}

const signing = rsaJwk('tandem-test-key');
const impostor = rsaJwk('tandem-test-key');

const b64url = (data) => Buffer.from(data).toString('base64url');

function resign(idToken, change, privateKey) {
  const [header, payload] = idToken.split('.');
  const claims = { ...JSON.parse(Buffer.from(payload, 'base64url')), ...change };
  const input = `${header}.${b64url(JSON.stringify(claims))}`;
  const signature = createSign('RSA-SHA256').update(input).sign(privateKey);
  return `${input}.${signature.toString('base64url')}`;
}

function tampered(idToken, tamper) {
  const now = Math.floor(Date.now() / 1000);
  switch (tamper) {
    case 'audience':
      return resign(idToken, { aud: 'another-client' }, signing.privateKey);
    case 'nonce':
      return resign(idToken, { nonce: 'a-nonce-the-client-never-sent' }, signing.privateKey);
    case 'expired':
      return resign(idToken, { iat: now - 7200, exp: now - 3600 }, signing.privateKey);
    case 'signature':
      return resign(idToken, {}, impostor.privateKey);
    default:
      return idToken;
  }
}

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: config.client.client_id,
        client_secret: config.client.client_secret,
        redirect_uris: config.client.redirect_uris,
        post_logout_redirect_uris: config.client.post_logout_redirect_uris || [],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
        id_token_signed_response_alg: 'RS256',
      },
    ],
    jwks: { keys: [signing.jwk] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    scopes: ['openid', 'email', 'profile'],
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    // Tandem sends PKCE (S256) on every sign-in: a request without it is refused here.
    pkce: { required: () => true },
    async findAccount(ctx, sub) {
      const account = config.accounts[sub];
      if (!account) return undefined;
      return {
        accountId: sub,
        async claims() {
          return {
            sub,
            email: account.email,
            email_verified: account.email_verified,
            name: account.name,
          };
        },
      };
    },
    async loadExistingGrant(ctx) {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  });

  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path !== '/token' || ctx.status !== 200 || !ctx.body?.id_token) return;
    const [, payload] = ctx.body.id_token.split('.');
    const { sub } = JSON.parse(Buffer.from(payload, 'base64url'));
    const tamper = config.accounts[sub]?.tamper;
    if (tamper) ctx.body = { ...ctx.body, id_token: tampered(ctx.body.id_token, tamper) };
  });

  server.on('request', provider.callback());
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
