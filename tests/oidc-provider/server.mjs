// A real OpenID Connect server (oidc-provider, pinned in package.json) for
// tests/api/web_oauth_real.rs. It signs in one configured user without a form (the
// interaction finishes itself), grants `openid profile` without a consent screen, and
// returns Hugging Face's `orgs` claim from userinfo. It accepts only the one
// registered http redirect to 127.0.0.1/localhost. Prints "listening <port>".
//
// Environment: CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, USER_NAME, ORGS (JSON).
import http from 'node:http';
import Provider from 'oidc-provider';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const user = env('USER_NAME');
  const orgs = JSON.parse(process.env.ORGS || '[]');
  const provider = new Provider(issuer, {
    clients: [{
      client_id: env('CLIENT_ID'),
      client_secret: env('CLIENT_SECRET'),
      redirect_uris: [env('REDIRECT_URI')],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    pkce: { methods: ['S256'], required: () => true },
    claims: { openid: ['sub'], profile: ['name', 'preferred_username', 'orgs'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(ctx, id) {
      return {
        accountId: id,
        async claims() {
          return { sub: id, name: user, preferred_username: user, orgs };
        },
      };
    },
    // No consent screen: the signed-in account is granted openid profile.
    async loadExistingGrant(ctx) {
      if (!ctx.oidc.session || !ctx.oidc.session.accountId) return undefined;
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid profile');
      await grant.save();
      return grant;
    },
  });
  const callback = provider.callback();
  server.on('request', async (req, res) => {
    if (req.url.startsWith('/interaction/')) {
      try {
        await provider.interactionFinished(req, res, { login: { accountId: `id-${user}` } }, {
          mergeWithLastSubmission: false,
        });
      } catch (e) {
        res.statusCode = 400;
        res.end(String(e));
      }
      return;
    }
    callback(req, res);
  });
  console.log(`listening ${port}`);
});
