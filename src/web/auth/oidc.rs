//! The OpenID provider as a client sees it (Hugging Face, `docs/reference/hf-oauth.md`):
//! discovery, the authorization URL with PKCE (S256), `state` and `nonce`, the code
//! exchange with the client secret sent as the provider advertises, the `id_token`
//! checked against the JWKS (signature, `iss`, `aud`, `exp`, `nonce`), and userinfo
//! for the name and the organizations.
//!
//! `oauth2` runs the flow, `jsonwebtoken` checks the `id_token`. Every call here is an
//! outside request a stranger can start (by opening `/login/huggingface`), so they run
//! under a small bound taken without waiting: when it is full, the caller answers 503.
//! Nothing here logs or returns token text; errors name only what failed.

use std::time::Duration;

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet,
    EndpointSet, ExtraTokenFields, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl,
    RequestTokenError, Scope, StandardRevocableToken, StandardTokenResponse, TokenResponse,
    TokenUrl,
};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;
use tokio::sync::{OnceCell, Semaphore, SemaphorePermit};

use crate::config::{OAuthSettings, OrgMembership};

/// Outside calls to the provider at once, over all visitors: sign-in is rare, and a
/// stranger must not turn the page into a request amplifier against the provider.
const OUTSIDE_CALLS: usize = 4;
const CALL_TIMEOUT: Duration = Duration::from_secs(10);
/// Discovery, JWKS and userinfo documents are a few KiB; more is not a provider.
const MAX_DOCUMENT: usize = 256 * 1024;

/// Why a sign-in did not complete. The text is for the log: it never holds a token.
#[derive(Debug)]
pub(super) enum Failure {
    /// Every outside-call slot is taken: try again in a second.
    Busy,
    /// The provider could not be reached or answered nonsense (502-like).
    Provider(String),
    /// The provider refused, or what it sent does not check out (400).
    Rejected(String),
}

/// The endpoints from `/.well-known/openid-configuration`.
#[derive(Debug, Clone, Deserialize)]
struct Discovery {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    userinfo_endpoint: String,
    jwks_uri: String,
    #[serde(default)]
    token_endpoint_auth_methods_supported: Vec<String>,
}

/// The token response's `id_token`. `Debug` by hand: it must not print the token.
#[derive(Clone, Serialize, Deserialize)]
struct IdTokenField {
    id_token: Option<String>,
}

impl std::fmt::Debug for IdTokenField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdTokenField([redacted])")
    }
}

impl ExtraTokenFields for IdTokenField {}

type OidcClient = oauth2::Client<
    BasicErrorResponse,
    StandardTokenResponse<IdTokenField, BasicTokenType>,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

#[derive(Deserialize)]
struct IdClaims {
    sub: String,
    nonce: Option<String>,
}

#[derive(Deserialize)]
struct UserInfo {
    sub: String,
    preferred_username: String,
    #[serde(default)]
    orgs: Vec<OrgInfo>,
}

#[derive(Deserialize)]
struct OrgInfo {
    preferred_username: String,
    #[serde(rename = "roleInOrg", default)]
    role_in_org: Option<String>,
}

/// What the authorization request was sent with; kept server-side until the callback.
pub(super) struct Started {
    pub url: url::Url,
    pub state: String,
    pub nonce: String,
    pub verifier: String,
}

/// Who signed in.
pub(super) struct Identity {
    pub sub: String,
    pub username: String,
    pub orgs: Vec<OrgMembership>,
    /// The access token's lifetime (`hf_oauth_expiration_minutes` on a Space).
    pub expires_in: Option<Duration>,
}

pub(super) struct Provider {
    settings: OAuthSettings,
    http: reqwest::Client,
    discovery: OnceCell<Discovery>,
    slots: Semaphore,
}

impl Provider {
    pub(super) fn new(settings: OAuthSettings) -> Provider {
        // No redirects: a provider's endpoints answer where they are (and oauth2
        // requires it, so a code never follows a redirect elsewhere).
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(CALL_TIMEOUT)
            .build()
            .unwrap_or_default();
        Provider {
            settings,
            http,
            discovery: OnceCell::new(),
            slots: Semaphore::new(OUTSIDE_CALLS),
        }
    }

    /// Takes a slot as a call would (tests fill the bound with it).
    #[cfg(test)]
    pub(super) fn hold_slot(&self) -> Option<SemaphorePermit<'_>> {
        self.slots.try_acquire().ok()
    }

    fn slot(&self) -> Result<SemaphorePermit<'_>, Failure> {
        self.slots.try_acquire().map_err(|_| Failure::Busy)
    }

    /// The discovery document, fetched once (a failure is tried again next time).
    async fn discovery(&self) -> Result<&Discovery, Failure> {
        self.discovery
            .get_or_try_init(|| async {
                let base = self.settings.provider_url.as_str().trim_end_matches('/');
                let url = format!("{base}/.well-known/openid-configuration");
                let found: Discovery = self.get_json(&url, None).await?;
                // Discovery §4.3: the issuer is the URL it was found under.
                if found.issuer.trim_end_matches('/') != base {
                    return Err(Failure::Provider(format!(
                        "the discovery document names another issuer than {base}"
                    )));
                }
                Ok(found)
            })
            .await
    }

    /// Fetches the discovery document as a sign-in would (`spacewarden doctor`).
    pub(super) async fn check(&self) -> Result<(), Failure> {
        let _slot = self.slot()?;
        self.discovery().await.map(|_| ())
    }

    fn client(&self, discovery: &Discovery, redirect: &str) -> Result<OidcClient, Failure> {
        let bad = |what: &str| Failure::Provider(format!("the {what} is not a URL"));
        // Core §9: client_secret_basic unless only client_secret_post is offered.
        let methods = &discovery.token_endpoint_auth_methods_supported;
        let post_only = !methods.is_empty()
            && !methods.iter().any(|m| m == "client_secret_basic")
            && methods.iter().any(|m| m == "client_secret_post");
        let auth_type = if post_only {
            AuthType::RequestBody
        } else {
            AuthType::BasicAuth
        };
        let secret = self.settings.client_secret.expose_secret().to_owned();
        Ok(
            oauth2::Client::new(ClientId::new(self.settings.client_id.clone()))
                .set_client_secret(ClientSecret::new(secret))
                .set_auth_uri(
                    AuthUrl::new(discovery.authorization_endpoint.clone())
                        .map_err(|_| bad("authorization endpoint"))?,
                )
                .set_token_uri(
                    TokenUrl::new(discovery.token_endpoint.clone())
                        .map_err(|_| bad("token endpoint"))?,
                )
                .set_redirect_uri(
                    RedirectUrl::new(redirect.to_owned()).map_err(|_| bad("redirect"))?,
                )
                .set_auth_type(auth_type),
        )
    }

    /// The authorization URL for a new sign-in, with fresh `state`, `nonce` and PKCE.
    pub(super) async fn start(&self, redirect: &str) -> Result<Started, Failure> {
        let _slot = self.slot()?;
        let discovery = self.discovery().await?;
        let client = self.client(discovery, redirect)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let nonce = crate::telemetry::random_hex(32);
        let mut request = client
            .authorize_url(CsrfToken::new_random)
            .add_extra_param("nonce", nonce.clone())
            .set_pkce_challenge(challenge);
        for scope in self.settings.scopes.split_whitespace() {
            request = request.add_scope(Scope::new(scope.to_owned()));
        }
        let (url, state) = request.url();
        Ok(Started {
            url,
            state: state.secret().clone(),
            nonce,
            verifier: verifier.secret().clone(),
        })
    }

    /// Exchanges `code`, checks the `id_token`, reads userinfo. The access token is
    /// dropped when this returns.
    pub(super) async fn finish(
        &self,
        redirect: &str,
        code: String,
        verifier: String,
        nonce: &str,
    ) -> Result<Identity, Failure> {
        let _slot = self.slot()?;
        let discovery = self.discovery().await?;
        let client = self.client(discovery, redirect)?;
        let token = client
            .exchange_code(AuthorizationCode::new(code))
            .set_pkce_verifier(PkceCodeVerifier::new(verifier))
            .request_async(&self.http)
            .await
            .map_err(|e| match e {
                RequestTokenError::ServerResponse(refusal) => Failure::Rejected(format!(
                    "the provider refused the code: {}",
                    refusal.error()
                )),
                RequestTokenError::Request(_) => {
                    Failure::Provider("the token endpoint cannot be reached".into())
                }
                RequestTokenError::Parse(..) | RequestTokenError::Other(_) => {
                    Failure::Provider("the token endpoint answered nonsense".into())
                }
            })?;
        let id_token = token
            .extra_fields()
            .id_token
            .as_deref()
            .ok_or_else(|| Failure::Rejected("the token response has no id_token".into()))?;
        let claims = self.check_id_token(discovery, id_token, nonce).await?;
        let bearer = token.access_token().secret();
        let info: UserInfo = self
            .get_json(&discovery.userinfo_endpoint, Some(bearer))
            .await?;
        // Core §5.3.2: userinfo's `sub` must be the id_token's.
        if info.sub != claims.sub {
            return Err(Failure::Rejected("userinfo is of another user".into()));
        }
        Ok(Identity {
            sub: claims.sub,
            username: info.preferred_username,
            orgs: info
                .orgs
                .into_iter()
                .map(|org| OrgMembership {
                    name: org.preferred_username,
                    role_in_org: org.role_in_org.unwrap_or_default(),
                })
                .collect(),
            expires_in: token.expires_in(),
        })
    }

    /// The `id_token`'s signature (RS256, a key of the JWKS), `iss`, `aud`, `exp` and
    /// `nonce`.
    async fn check_id_token(
        &self,
        discovery: &Discovery,
        id_token: &str,
        nonce: &str,
    ) -> Result<IdClaims, Failure> {
        let reject = |why: &str| Failure::Rejected(format!("the id_token {why}"));
        let header = jsonwebtoken::decode_header(id_token).map_err(|_| reject("is not a JWT"))?;
        if header.alg != Algorithm::RS256 {
            return Err(reject("is not signed RS256"));
        }
        let keys: JwkSet = self.get_json(&discovery.jwks_uri, None).await?;
        let jwk = match &header.kid {
            Some(kid) => keys.find(kid),
            None if keys.keys.len() == 1 => keys.keys.first(),
            None => None,
        }
        .ok_or_else(|| reject("is signed by a key the JWKS does not hold"))?;
        let key = DecodingKey::from_jwk(jwk).map_err(|_| reject("names an unusable key"))?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[discovery.issuer.as_str()]);
        validation.set_audience(&[self.settings.client_id.as_str()]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        let data = jsonwebtoken::decode::<IdClaims>(id_token, &key, &validation)
            .map_err(|e| reject(&format!("does not check out ({:?})", e.kind())))?;
        let echoed = data.claims.nonce.as_deref().unwrap_or("");
        if !bool::from(echoed.as_bytes().ct_eq(nonce.as_bytes())) {
            return Err(reject("carries another nonce"));
        }
        Ok(data.claims)
    }

    /// GETs a JSON document of at most `MAX_DOCUMENT` bytes.
    async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        url: &str,
        bearer: Option<&str>,
    ) -> Result<T, Failure> {
        let unreachable = || Failure::Provider(format!("{url} cannot be reached"));
        let mut request = self.http.get(url);
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        let mut response = request.send().await.map_err(|_| unreachable())?;
        if !response.status().is_success() {
            return Err(Failure::Provider(format!(
                "{url} answered {}",
                response.status()
            )));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|_| unreachable())? {
            if body.len() + chunk.len() > MAX_DOCUMENT {
                return Err(Failure::Provider(format!("{url} answered too much")));
            }
            body.extend_from_slice(&chunk);
        }
        serde_json::from_slice(&body)
            .map_err(|_| Failure::Provider(format!("{url} answered something unexpected")))
    }
}
