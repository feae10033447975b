//! Reaching a Space's app: its URL (the Hub's subdomain through
//! `HF_APP_URL_TEMPLATE`), the token a private app wants, the probe a check runs, and
//! the visit a keep-alive makes. The one place that knows these rules.

use std::time::Duration;

use secrecy::SecretString;

use super::Monitor;
use super::attempt::CallFailed;
use crate::domain::{ProbeOutcome, SpaceId};
use crate::hub::ProbeRequest;

/// How long a visit may take: a sleeping Space can take a while to answer at all.
const VISIT_TIMEOUT: Duration = Duration::from_secs(30);

impl Monitor {
    /// The app's base URL (no trailing `/`) for `subdomain`.
    pub(super) fn app_url(&self, subdomain: &str) -> String {
        self.inner.config.app_url_template.url_for(subdomain)
    }

    /// A private Space's app wants its owner's token, as the official clients send it;
    /// a public one gets none.
    pub(super) fn app_token(&self, id: &SpaceId, private: bool) -> Option<&SecretString> {
        if private {
            self.inner.config.token_for(id.owner())
        } else {
            None
        }
    }

    /// The subdomain and privacy of a Space's app: the subdomain the Hub gave just now
    /// (`fresh`), else the one stored from the last check, else derived (reference
    /// §8). Reads the store: never call it inside a write transaction.
    pub(super) async fn app_of(&self, id: &SpaceId, fresh: Option<String>) -> (String, bool) {
        let state = match self.inner.store.space_state(id).await {
            Ok(state) => state,
            Err(e) => {
                tracing::warn!(space = %id, error = %e, "cannot read the Space's app address");
                None
            }
        };
        let subdomain = fresh
            .or_else(|| state.as_ref().and_then(|s| s.subdomain.clone()))
            .unwrap_or_else(|| id.derived_subdomain());
        let private = state.and_then(|s| s.private) == Some(true);
        (subdomain, private)
    }

    /// Probes the app with its configured health path, status and keyword.
    pub(super) async fn probe_app(
        &self,
        id: &SpaceId,
        subdomain: &str,
        private: bool,
    ) -> ProbeOutcome {
        let all = self.settings();
        let settings = all.probe(id);
        let request = ProbeRequest {
            url: format!("{}{}", self.app_url(subdomain), settings.health_path),
            expected_status: settings.expected_status.clone(),
            keyword: settings.keyword.clone(),
            timeout: settings.timeout,
        };
        self.inner
            .probe
            .probe(&request, self.app_token(id, private))
            .await
    }

    /// A GET of the app's front page, as a visitor would: what wakes a sleeping Space
    /// and what resets its sleep timer.
    pub(super) async fn visit(&self, id: &SpaceId) -> Result<(), CallFailed> {
        let (subdomain, private) = self.app_of(id, None).await;
        let request = ProbeRequest {
            url: format!("{}/", self.app_url(&subdomain)),
            // Any answer means the request reached the Space; a sleeping one says 503.
            expected_status: (100..=599).collect(),
            keyword: None,
            timeout: VISIT_TIMEOUT,
        };
        let outcome = self
            .inner
            .probe
            .probe(&request, self.app_token(id, private))
            .await;
        match outcome.status {
            Some(_) => Ok(()),
            None => {
                Err(CallFailed::Unreached(outcome.failure.unwrap_or_else(
                    || crate::domain::Reason::NoAnswer.to_string(),
                )))
            }
        }
    }

    /// When spacewarden itself runs on a Space (`SPACE_HOST`), a request to its own
    /// public URL counts as a visit and keeps it awake.
    pub async fn visit_self(&self) {
        let Some(host) = &self.inner.config.space_host else {
            return;
        };
        let request = ProbeRequest {
            url: format!("https://{host}/healthz"),
            expected_status: Vec::new(),
            keyword: None,
            timeout: VISIT_TIMEOUT,
        };
        let outcome = self.inner.probe.probe(&request, None).await;
        match outcome.status {
            Some(status) => tracing::debug!(status, "self keep-alive visit"),
            None => tracing::warn!(
                "self keep-alive visit failed: {}",
                outcome.failure.unwrap_or_default()
            ),
        }
    }
}
