//! Each watched owner's token: the variable it came from (never the token), what the
//! Hub's `whoami` says of it, and whether it can restart that owner's Spaces (its
//! role, and whether the owner is its user or one of its organizations: the Hub
//! refuses a restart by anyone else). One `whoami` per distinct token: the endpoint
//! is tightly rate-limited.

use std::collections::BTreeMap;

use super::report::Report;
use crate::config::Config;
use crate::hub::{Hub, HubClient, HubError, WhoAmI, credential_key};

pub(super) async fn check(report: &mut Report, config: &Config) {
    report.section("Tokens");
    let mut owners: Vec<&str> = config.watch.iter().map(|t| t.owner()).collect();
    owners.sort_by_key(|o| o.to_ascii_lowercase());
    owners.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    if owners.is_empty() {
        report.info("no owner to check");
        return;
    }
    let hub = match HubClient::for_config(config) {
        Ok(hub) => hub,
        Err(e) => {
            report.problem(format!("cannot build the Hub client: {}", e.summary()));
            return;
        }
    };
    let mut answers: BTreeMap<u64, Result<WhoAmI, HubError>> = BTreeMap::new();
    for owner in owners {
        let (Some(token), Some(from)) = (config.token_for(owner), config.token_source(owner))
        else {
            report.warn(format!(
                "{owner}: no token, a read-only fallback: its public Spaces are checked \
                 anonymously, none can be restarted (set HF_USER={owner}:<token> or HF_TOKEN)"
            ));
            continue;
        };
        let key = credential_key(Some(token));
        if let std::collections::btree_map::Entry::Vacant(slot) = answers.entry(key) {
            slot.insert(hub.whoami(token).await);
        }
        judge(report, owner, from, &answers[&key]);
    }
}

/// One owner's line, from the `whoami` answer for its token.
fn judge(report: &mut Report, owner: &str, from: &str, answer: &Result<WhoAmI, HubError>) {
    let me = match answer {
        Ok(me) => me,
        Err(HubError::Unauthorized(_)) => {
            report.problem(format!(
                "{owner}: the Hub refuses the token from {from} (401): create a new one"
            ));
            return;
        }
        Err(e) => {
            report.warn(format!(
                "{owner}: token from {from}; whoami could not be asked now: {}",
                e.summary()
            ));
            return;
        }
    };
    let role = me.token_role.as_deref().unwrap_or("unknown");
    let seen = format!(
        "{owner}: token from {from}; whoami: {} ({}), role {role}",
        me.name, me.kind
    );
    let member = me.orgs.iter().any(|o| o.eq_ignore_ascii_case(owner));
    if role == "read" {
        report.problem(format!(
            "{seen}: read-only, so its Spaces are checked but cannot be restarted; use a token \
             with the write role"
        ));
    } else if me.name.eq_ignore_ascii_case(owner) {
        report.ok(format!("{seen}: can restart {owner}'s Spaces (its own)"));
    } else if member {
        report.ok(format!(
            "{seen}: can restart {owner}'s Spaces (a member of the organization {owner})"
        ));
    } else {
        report.problem(format!(
            "{seen}: {} is neither {owner} nor in that organization, so the Hub refuses \
             restarts; set HF_USER={owner}:<their token>",
            me.name
        ));
    }
}
