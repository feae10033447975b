//! Sign in with Hugging Face: which variables were read, the role lists, and the
//! provider's discovery document fetched as a sign-in would fetch it. The client secret
//! is named, never shown.

use super::report::Report;
use crate::config::{Config, Sentence};
use crate::web::check_provider;

pub(super) async fn check(report: &mut Report, config: &Config) {
    report.section("cli-doctor-section-oauth");
    let access = &config.web_access;
    let Some(oauth) = &access.oauth else {
        report.info(Sentence::new("doctor-oauth-off"));
        return;
    };
    report.ok(Sentence::new("doctor-oauth-on")
        .text("scopes", &oauth.scopes)
        .text("provider", oauth.provider_url.host_str().unwrap_or("?")));
    if access.admins == Default::default() && access.viewers == Default::default() {
        report.warn(Sentence::new("doctor-oauth-no-roles"));
    }
    if access.private {
        report.info(Sentence::new("doctor-oauth-private"));
    }
    match check_provider(oauth).await {
        Ok(()) => report.ok(Sentence::new("doctor-oauth-provider-ok")),
        // The web module's words (a status, a transport failure), as they are.
        Err(problem) => {
            report.problem(Sentence::new("doctor-oauth-provider-failed").text("why", problem))
        }
    }
}
