//! The fake provider's token endpoint: client authentication as discovery advertised
//! it, the code used once, PKCE S256 checked, and an RS256 `id_token`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Form;
use axum::extract::State;
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::{CLIENT_ID, CLIENT_SECRET, KID, Shared};

/// What the token request authenticated as, per the advertised method.
fn client_ok(method: &str, headers: &HeaderMap, form: &HashMap<String, String>) -> bool {
    match method {
        "client_secret_basic" => {
            let expected = STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"));
            headers
                .get(AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Basic "))
                .is_some_and(|given| given == expected)
        }
        _ => {
            !headers.contains_key(AUTHORIZATION)
                && form.get("client_id").map(String::as_str) == Some(CLIENT_ID)
                && form.get("client_secret").map(String::as_str) == Some(CLIENT_SECRET)
        }
    }
}

fn refuse(shared: &Shared, status: StatusCode, error: &str) -> Response {
    shared.inner.lock().unwrap().answers.push(error.to_owned());
    (status, axum::Json(json!({ "error": error }))).into_response()
}

pub(super) async fn token(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if !client_ok(shared.auth_method, &headers, &form) {
        return refuse(&shared, StatusCode::UNAUTHORIZED, "invalid_client");
    }
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    if field("grant_type") != "authorization_code" {
        return refuse(&shared, StatusCode::BAD_REQUEST, "unsupported_grant_type");
    }
    // Taken out: a code is good once.
    let grant = shared.inner.lock().unwrap().codes.remove(&field("code"));
    let Some(grant) = grant else {
        return refuse(&shared, StatusCode::BAD_REQUEST, "invalid_grant");
    };
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(field("code_verifier").as_bytes()));
    if challenge != grant.challenge || field("redirect_uri") != grant.redirect_uri {
        return refuse(&shared, StatusCode::BAD_REQUEST, "invalid_grant");
    }
    let access = format!("hf_oauth_{}", spacewarden::telemetry::random_hex(20));
    let mut inner = shared.inner.lock().unwrap();
    let nonce = inner.nonce_override.clone().or(grant.nonce);
    let now = chrono::Utc::now().timestamp();
    let claims = json!({
        "iss": shared.base,
        "aud": CLIENT_ID,
        "sub": grant.user.sub,
        "iat": now,
        "exp": now + 3600,
        "nonce": nonce,
        "preferred_username": grant.user.name,
    });
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(KID.to_owned());
    let pem = include_bytes!("../../../fixtures/oidc_test_key.pem");
    let key = EncodingKey::from_rsa_pem(pem).expect("the test key");
    let id_token = jsonwebtoken::encode(&header, &claims, &key).expect("sign");
    inner.tokens.insert(access.clone(), grant.user);
    inner.issued.push(access.clone());
    inner.answers.push("ok".into());
    axum::Json(json!({
        "access_token": access,
        "token_type": "bearer",
        "expires_in": 28800,
        "scope": "openid profile",
        "id_token": id_token,
    }))
    .into_response()
}
