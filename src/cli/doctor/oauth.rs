//! Sign in with Hugging Face: which variables were read, the role lists, and the
//! provider's discovery document fetched as a sign-in would fetch it. The client secret
//! is named, never shown.

use super::report::Report;
use crate::config::Config;
use crate::web::check_provider;

pub(super) async fn check(report: &mut Report, config: &Config) {
    report.section("cli-doctor-section-oauth");
    let access = &config.web_access;
    let Some(oauth) = &access.oauth else {
        report.info("off (OAUTH_CLIENT_ID unset)");
        return;
    };
    report.ok(format!(
        "on: client from OAUTH_CLIENT_ID, secret from \
         OAUTH_CLIENT_SECRET, scopes \"{}\", provider {}",
        oauth.scopes,
        oauth.provider_url.host_str().unwrap_or("?")
    ));
    if access.admins == Default::default() && access.viewers == Default::default() {
        report.warn(
            "WEB_ADMINS and WEB_VIEWERS are empty: a Hugging Face user who signs in gets \
             no role",
        );
    }
    if access.private {
        report.info("WEB_PRIVATE: the page needs a session, /metrics the API key");
    }
    match check_provider(oauth).await {
        Ok(()) => report.ok("the provider's discovery document was read and names its issuer"),
        Err(problem) => report.problem(format!("OPENID_PROVIDER_URL: {problem}")),
    }
}
