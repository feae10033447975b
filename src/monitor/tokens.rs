//! The token self-test at startup: `whoami` once for each distinct token the watch list
//! uses, so a token that cannot restart an owner's Spaces is reported before the first
//! repair fails on it. Reported once: in the log, in `/status` and on the page.
//!
//! A token cannot restart an owner's Spaces when the Hub refuses it (401), when its role
//! is `read`, or when the owner is neither its user nor one of its organizations (the
//! Hub answers 403 to a restart by someone else). A fine-grained token's scopes are not
//! in the documented `whoami` answer, so it is judged by its user and organizations like
//! any other. A Hub that cannot answer now (429, 5xx) reports nothing.

use std::collections::BTreeMap;

use super::Monitor;
use crate::domain::WatchTarget;
use crate::hub::{HubError, WhoAmI, credential_key};

/// One owner whose Spaces its token cannot restart, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenProblem {
    pub owner: String,
    pub problem: String,
}

impl Monitor {
    /// Runs the self-test, logs and keeps what it found (see `token_problems`).
    pub async fn check_tokens(&self) -> Vec<TokenProblem> {
        let config = &self.inner.config;
        let mut owners: Vec<String> = config
            .watch
            .iter()
            .map(|t| match t {
                WatchTarget::Space(id) => id.owner().to_owned(),
                WatchTarget::Owner(owner) => owner.clone(),
            })
            .collect();
        owners.sort_by_key(|o| o.to_ascii_lowercase());
        owners.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        // One whoami per distinct token: the endpoint is heavily rate-limited.
        let mut answers: BTreeMap<u64, Result<WhoAmI, HubError>> = BTreeMap::new();
        let mut problems = Vec::new();
        for owner in owners {
            let Some(token) = config.token_for(&owner) else {
                problems.push(TokenProblem {
                    problem: "no token: its Spaces can be checked, not repaired (set HF_TOKEN \
                              or HF_USER)"
                        .into(),
                    owner,
                });
                continue;
            };
            let key = credential_key(Some(token));
            if let std::collections::btree_map::Entry::Vacant(slot) = answers.entry(key) {
                slot.insert(self.inner.hub.whoami(token).await);
            }
            if let Some(problem) = answers.get(&key).and_then(|a| judge(&owner, a)) {
                problems.push(TokenProblem { owner, problem });
            }
        }
        for p in &problems {
            tracing::warn!(owner = %p.owner, "token self-test: {}", p.problem);
        }
        *self
            .inner
            .token_problems
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = problems.clone();
        problems
    }

    /// What the startup self-test found (empty before it ran, and when all is well).
    pub fn token_problems(&self) -> Vec<TokenProblem> {
        self.inner
            .token_problems
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

/// Why `owner`'s Spaces cannot be restarted with the token that gave `answer`.
fn judge(owner: &str, answer: &Result<WhoAmI, HubError>) -> Option<String> {
    let me = match answer {
        Ok(me) => me,
        Err(HubError::Unauthorized(_)) => {
            return Some("the Hub refuses its token (401): create a new one".into());
        }
        Err(e) => {
            tracing::info!(owner, error = %e, "token self-test: the Hub could not answer now");
            return None;
        }
    };
    let owns = me.name.eq_ignore_ascii_case(owner)
        || me.orgs.iter().any(|o| o.eq_ignore_ascii_case(owner));
    match me.token_role.as_deref() {
        Some("read") => Some(format!(
            "{}'s token is read-only: spacewarden can check these Spaces but not restart, \
             rebuild or pause them. Use a token with the write role",
            me.name
        )),
        _ if !owns => Some(format!(
            "the token is {}'s, who is neither {owner} nor in that organization: the Hub \
             refuses restarts of someone else's Spaces. Set HF_USER={owner}:<their token>",
            me.name
        )),
        _ => None,
    }
}
