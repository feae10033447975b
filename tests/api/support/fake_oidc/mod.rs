//! A fake OpenID provider that follows huggingface.co's documented behaviour
//! (`docs/reference/hf-oauth.md`): discovery, authorize (auto-approving the configured
//! user), token with client authentication as advertised and PKCE S256, single-use
//! codes, an RS256 `id_token` with a JWKS, and userinfo with `orgs`. Like a real
//! provider it refuses a wrong client secret (`invalid_client`), a wrong PKCE verifier
//! and a reused code (`invalid_grant`). It listens on 127.0.0.1, port 0.
//!
//! The signing key is a fixed test key (`tests/fixtures/oidc_test_key.pem`, made with
//! `openssl genrsa -traditional 2048`; its modulus in `oidc_test_key.n`). It signs
//! nothing but these tests' tokens.

mod token;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::header::{AUTHORIZATION, LOCATION};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub const CLIENT_ID: &str = "5f1c0a7e-fake-client";
pub const CLIENT_SECRET: &str = "oauth-secret-9c41d2e07b";
const KID: &str = "fake-key-1";

/// The user the authorize endpoint approves.
#[derive(Debug, Clone)]
pub struct FakeUser {
    pub sub: String,
    pub name: String,
    /// `(org name, roleInOrg)`.
    pub orgs: Vec<(String, String)>,
}

impl FakeUser {
    pub fn new(name: &str) -> FakeUser {
        FakeUser {
            sub: format!("66{:x}", name.len() * 7919),
            name: name.to_owned(),
            orgs: Vec::new(),
        }
    }

    pub fn in_org(mut self, org: &str, role: &str) -> FakeUser {
        self.orgs.push((org.to_owned(), role.to_owned()));
        self
    }
}

/// An authorization waiting for its exchange.
#[derive(Debug, Clone)]
struct Grant {
    redirect_uri: String,
    challenge: String,
    nonce: Option<String>,
    user: FakeUser,
}

#[derive(Default)]
struct Inner {
    user: Option<FakeUser>,
    codes: HashMap<String, Grant>,
    tokens: HashMap<String, FakeUser>,
    /// Access tokens handed out, for the leak search.
    issued: Vec<String>,
    /// The token endpoint's answers, by `error` (or `ok`).
    answers: Vec<String>,
    /// Signs id_tokens with this nonce instead of the one asked for.
    nonce_override: Option<String>,
    /// Shows a consent page with an "Authorize" button instead of approving at once.
    consent_page: bool,
}

struct Shared {
    base: String,
    /// `client_secret_basic` or `client_secret_post`: what discovery advertises and
    /// the token endpoint accepts.
    auth_method: &'static str,
    inner: Mutex<Inner>,
}

pub struct FakeOidc {
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl Drop for FakeOidc {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeOidc {
    /// A provider that takes the client secret as `auth_method` says.
    pub async fn start(auth_method: &'static str) -> FakeOidc {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr: SocketAddr = listener.local_addr().expect("addr");
        let shared = Arc::new(Shared {
            base: format!("http://{addr}"),
            auth_method,
            inner: Mutex::new(Inner::default()),
        });
        let router = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/oauth/authorize", get(authorize).post(approved))
            .route("/oauth/token", post(token::token))
            .route("/oauth/userinfo", get(userinfo))
            .route("/oauth/jwks", get(jwks))
            .with_state(shared.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, router).await.expect("fake oidc");
        });
        FakeOidc { shared, task }
    }

    pub fn url(&self) -> String {
        self.shared.base.clone()
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.shared.inner.lock().unwrap()
    }

    /// Who the next authorization signs in.
    pub fn approve(&self, user: FakeUser) {
        self.inner().user = Some(user);
    }

    /// Authorization shows a consent page (for the browser test) instead of
    /// approving at once.
    pub fn show_consent_page(&self) {
        self.inner().consent_page = true;
    }

    /// From now on, id_tokens carry `nonce` whatever was asked.
    pub fn sign_nonce(&self, nonce: &str) {
        self.inner().nonce_override = Some(nonce.to_owned());
    }

    /// The access tokens handed out so far.
    pub fn access_tokens(&self) -> Vec<String> {
        self.inner().issued.clone()
    }

    /// The token endpoint's answers so far: `ok`, or the OAuth `error` code.
    pub fn token_answers(&self) -> Vec<String> {
        self.inner().answers.clone()
    }
}

async fn discovery(State(shared): State<Arc<Shared>>) -> Response {
    let base = &shared.base;
    axum::Json(json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/oauth/authorize"),
        "token_endpoint": format!("{base}/oauth/token"),
        "userinfo_endpoint": format!("{base}/oauth/userinfo"),
        "jwks_uri": format!("{base}/oauth/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "profile", "email"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": [shared.auth_method],
    }))
    .into_response()
}

fn bad_request(what: &str) -> Response {
    (StatusCode::BAD_REQUEST, format!("invalid_request: {what}")).into_response()
}

/// The consent page: the request's fields, hidden, and one button.
fn consent(query: &HashMap<String, String>) -> Response {
    let escape = |v: &str| {
        v.replace('&', "&amp;")
            .replace('"', "&quot;")
            .replace('<', "&lt;")
    };
    let fields: String = query
        .iter()
        .map(|(k, v)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                escape(k),
                escape(v)
            )
        })
        .collect();
    axum::response::Html(format!(
        "<!doctype html><title>Authorize</title><h1>Sign in to spacewarden?</h1>\
         <form method=\"post\" action=\"/oauth/authorize\">{fields}\
         <button id=\"authorize\" type=\"submit\">Authorize</button></form>"
    ))
    .into_response()
}

async fn authorize(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if shared.inner.lock().unwrap().consent_page {
        return consent(&query);
    }
    approve(&shared, &query)
}

async fn approved(
    State(shared): State<Arc<Shared>>,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    approve(&shared, &form)
}

fn approve(shared: &Shared, query: &HashMap<String, String>) -> Response {
    let field = |name: &str| query.get(name).cloned().unwrap_or_default();
    if field("client_id") != CLIENT_ID {
        return bad_request("unknown client_id");
    }
    if field("response_type") != "code" {
        return bad_request("response_type must be code");
    }
    if field("code_challenge_method") != "S256" || field("code_challenge").len() != 43 {
        return bad_request("PKCE S256 is required");
    }
    if !field("scope").split(' ').any(|s| s == "openid") {
        return bad_request("scope must include openid");
    }
    let redirect_uri = field("redirect_uri");
    let Ok(mut back) = url::Url::parse(&redirect_uri) else {
        return bad_request("redirect_uri");
    };
    let mut inner = shared.inner.lock().unwrap();
    let Some(user) = inner.user.clone() else {
        return (StatusCode::FORBIDDEN, "no user signed in at the fake").into_response();
    };
    let code = spacewarden::telemetry::random_hex(16);
    let grant = Grant {
        redirect_uri,
        challenge: field("code_challenge"),
        nonce: query.get("nonce").cloned(),
        user,
    };
    inner.codes.insert(code.clone(), grant);
    back.query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", &field("state"));
    (StatusCode::FOUND, [(LOCATION, back.to_string())]).into_response()
}

async fn userinfo(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let bearer = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    let inner = shared.inner.lock().unwrap();
    let Some(user) = inner.tokens.get(bearer) else {
        return (StatusCode::UNAUTHORIZED, "invalid_token").into_response();
    };
    let orgs: Vec<_> = user
        .orgs
        .iter()
        .map(|(org, role)| {
            json!({
                "sub": format!("org-{org}"),
                "name": org,
                "preferred_username": org,
                "picture": "https://example.invalid/org.png",
                "isEnterprise": false,
                "roleInOrg": role,
            })
        })
        .collect();
    axum::Json(json!({
        "sub": user.sub,
        "name": user.name,
        "preferred_username": user.name,
        "picture": "https://example.invalid/u.png",
        "profile": format!("https://huggingface.co/{}", user.name),
        "isPro": false,
        "orgs": orgs,
    }))
    .into_response()
}

async fn jwks() -> Response {
    let n = include_str!("../../../fixtures/oidc_test_key.n").trim();
    axum::Json(json!({
        "keys": [{ "kty": "RSA", "kid": KID, "use": "sig", "alg": "RS256", "n": n, "e": "AQAB" }]
    }))
    .into_response()
}
