//! Sign-in on the page (DESIGN.md "Sign-in and actions on the page"): one user from
//! `WEB_USERNAME` and `WEB_PASSWORD_HASH`/`WEB_PASSWORD`, server-side sessions with a
//! CSRF token, a login throttle per client, a memory bound on password checks running
//! at once, sessions bound to the configured credential. Without a configured user,
//! none of this is offered: `/login` and `/logout` answer 404 and the page stays
//! read-only.
//!
//! What a signed-in user may do is not decided here: the page's actions go through
//! the command core as `Actor::web(username)`, authorized like every other entrance.

mod client;
mod fingerprint;
mod oauth;
mod oauth_pages;
mod oidc;
mod password;
mod private;
mod routes;
mod session;
mod throttle;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::ConnectInfo;
use axum::http::HeaderMap;
use tokio::sync::OnceCell;

use crate::config::{SignIn, WebAccess, WebSettings};
use crate::store::{Store, StoreError};

pub use password::{Argon2Check, CredentialCheck, hash_password};
pub(super) use private::private_gate;
pub(super) use routes::router;
pub(crate) use session::{Session, request_cookie};

/// Fetches `OPENID_PROVIDER_URL`'s discovery document the way a sign-in does and
/// checks its issuer (`spacewarden doctor`); the problem, if any, names no secret.
pub async fn check_provider(settings: &crate::config::OAuthSettings) -> Result<(), String> {
    oidc::Provider::new(settings.clone())
        .check()
        .await
        .map_err(|failure| match failure {
            oidc::Failure::Busy => "busy".to_owned(),
            oidc::Failure::Provider(why) | oidc::Failure::Rejected(why) => why,
        })
}

/// The sign-in settings, the throttle's memory, the verification bound; one per server.
pub(crate) struct Auth {
    sign_in: Option<SignIn>,
    forwarding: client::Forwarding,
    throttle: throttle::Throttle,
    verifier: password::Verifier,
    /// The password credential's fingerprint and the role lists', made once (they
    /// need the store's key).
    fingerprint: OnceCell<(Option<String>, Option<String>)>,
    /// On a Space: where the page opens outside Hugging Face's frame.
    space_host: Option<String>,
    /// Sign in with Hugging Face, the role lists, `WEB_PRIVATE`.
    access: WebAccess,
    /// The provider and the flows under way (with `OAUTH_CLIENT_ID`).
    oauth: Option<oauth::Flows>,
    /// The port the server bound (the callback's URI when nothing else names one).
    bound_port: std::sync::OnceLock<u16>,
}

impl Auth {
    pub(crate) fn new(
        settings: &WebSettings,
        access: &WebAccess,
        check: Arc<dyn CredentialCheck>,
    ) -> Auth {
        let memory_kib = settings
            .sign_in
            .as_ref()
            .map_or(argon2::Params::DEFAULT_M_COST, |s| s.password.memory_kib());
        Auth {
            sign_in: settings.sign_in.clone(),
            forwarding: client::Forwarding {
                proxies: settings.trusted_proxies.clone(),
                space_hops: settings.space_proxy_hops,
            },
            throttle: throttle::Throttle::default(),
            verifier: password::Verifier::new(check, memory_kib),
            fingerprint: OnceCell::new(),
            space_host: settings.space_host.clone(),
            oauth: access
                .oauth
                .clone()
                .map(oidc::Provider::new)
                .map(oauth::Flows::new),
            access: access.clone(),
            bound_port: std::sync::OnceLock::new(),
        }
    }

    /// Whether the page offers sign-in at all (a password, Hugging Face, or both).
    pub(crate) fn enabled(&self) -> bool {
        self.sign_in.is_some() || self.oauth.is_some()
    }

    /// Notes the port the server listens on (once; a restarted server binds the same).
    pub(crate) fn note_port(&self, port: u16) {
        let _ = self.bound_port.set(port);
    }

    /// The fingerprint of the role lists, which Hugging Face sessions are bound to:
    /// a change of `WEB_ADMINS` or `WEB_VIEWERS` ends them.
    fn lists_fingerprint(&self, key: &str) -> Option<String> {
        let oauth = self.access.oauth.as_ref()?;
        let message = format!(
            "spacewarden hf session v1\0{}\0{}\0{}",
            oauth.client_id,
            self.access.admins.canonical(),
            self.access.viewers.canonical()
        );
        Some(fingerprint::hex(&fingerprint::hmac_sha256(
            key.as_bytes(),
            message.as_bytes(),
        )))
    }

    fn client(&self, peer: Option<&ConnectInfo<SocketAddr>>, headers: &HeaderMap) -> IpAddr {
        let peer = peer.map(|ConnectInfo(addr)| addr.ip());
        client::throttle_key(client::client_ip(peer, headers, &self.forwarding))
    }

    /// The configured password user with its credential's fingerprint, and the role
    /// lists' fingerprint; the first call makes (or reads) the store's key and runs the
    /// password's fingerprint on the blocking pool.
    async fn credentials(&self, store: &Store) -> Result<session::Credentials<'_>, StoreError> {
        let fingerprints = self
            .fingerprint
            .get_or_try_init(|| async {
                let key = store.session_key(&crate::telemetry::random_hex(32)).await?;
                let lists = self.lists_fingerprint(&key);
                let Some(sign_in) = self.sign_in.clone() else {
                    return Ok::<_, StoreError>((None, lists));
                };
                let made =
                    tokio::task::spawn_blocking(move || fingerprint::fingerprint(&key, &sign_in))
                        .await;
                // Only a panic inside it gets here: that request fails, the next tries again.
                let password = made.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
                Ok((Some(password), lists))
            })
            .await?;
        let password = match (&self.sign_in, &fingerprints.0) {
            (Some(sign_in), Some(fingerprint)) => Some(session::Credential {
                username: &sign_in.username,
                fingerprint,
            }),
            _ => None,
        };
        Ok(session::Credentials {
            password,
            hf_lists: fingerprints.1.as_deref(),
        })
    }
}

/// The signed-in session of a request, if any (none when sign-in is off). Expired
/// sessions, and those of another credential, are removed as they are found.
pub(crate) async fn current_session(
    state: &super::WebState,
    headers: &HeaderMap,
) -> Result<Option<Session>, StoreError> {
    if !session::has_cookie(headers) {
        return Ok(None);
    }
    if !state.auth.enabled() {
        return Ok(None);
    }
    let store = state.monitor.store();
    let credentials = state.auth.credentials(store).await?;
    session::current(store, headers, &credentials, state.monitor.now()).await
}

/// Where to go after signing in: a path on this site, never another site. `//host`
/// and `/\host` are other sites to a browser; anything odd falls back to `/`.
pub(crate) fn same_site_path(next: Option<&str>) -> &str {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && path.len() <= 512
                && !path.chars().any(|c| c.is_control() || c == '\\') =>
        {
            path
        }
        _ => "/",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(same_site_path(Some("/space/alice/app")), "/space/alice/app");
        assert_eq!(same_site_path(Some("/?q=alice")), "/?q=alice");
        for hostile in [
            "//evil.example/",
            "/\\evil.example",
            "https://evil.example/",
            "evil",
            "/a\r\nSet-Cookie: x",
            "",
        ] {
            assert_eq!(same_site_path(Some(hostile)), "/", "{hostile:?}");
        }
        assert_eq!(same_site_path(None), "/");
    }
}
