//! Sign-in on the page (DESIGN.md "Sign-in and actions on the page"): one user from
//! `WEB_USERNAME` and `WEB_PASSWORD_HASH`/`WEB_PASSWORD`, server-side sessions with a
//! CSRF token, a login throttle per client. Without a configured user, none of this
//! is offered: `/login` and `/logout` answer 404 and the page stays read-only.
//!
//! What a signed-in user may do is not decided here: the page's actions go through
//! the command core as `Actor::web(username)`, authorized like every other entrance.

mod client;
mod password;
mod routes;
mod session;
mod throttle;

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::HeaderMap;

use crate::config::{ProxyNet, SignIn, WebSettings};

pub use password::hash_password;
pub(super) use routes::router;
pub(crate) use session::Session;

/// The sign-in settings and the throttle's memory; one per server.
#[derive(Debug, Default)]
pub(crate) struct Auth {
    sign_in: Option<SignIn>,
    proxies: Vec<ProxyNet>,
    throttle: throttle::Throttle,
}

impl Auth {
    pub(crate) fn new(settings: &WebSettings) -> Auth {
        Auth {
            sign_in: settings.sign_in.clone(),
            proxies: settings.trusted_proxies.clone(),
            throttle: throttle::Throttle::default(),
        }
    }

    /// Whether the page offers sign-in at all.
    pub(crate) fn enabled(&self) -> bool {
        self.sign_in.is_some()
    }

    fn username(&self) -> Option<&str> {
        self.sign_in.as_ref().map(|s| s.username.as_str())
    }

    fn client(&self, peer: Option<&ConnectInfo<SocketAddr>>, headers: &HeaderMap) -> IpAddr {
        let peer = peer.map(|ConnectInfo(addr)| addr.ip());
        client::throttle_key(client::client_ip(peer, headers, &self.proxies))
    }
}

/// The signed-in session of a request, if any (none when sign-in is off). Expired
/// sessions are removed as they are found.
pub(crate) async fn current_session(
    state: &super::WebState,
    headers: &HeaderMap,
) -> Result<Option<Session>, crate::store::StoreError> {
    let Some(username) = state.auth.username() else {
        return Ok(None);
    };
    session::current(
        state.monitor.store(),
        headers,
        username,
        state.monitor.now(),
    )
    .await
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
