//! Sign in with Hugging Face in a real browser (headless Chromium over WebDriver, as in
//! `web_browser`): the sign-in page's button, the fake provider's consent page, the
//! callback's continue page, and the status page with "Signed in as alice (admin)".
//! The page is opened at `http://localhost:<port>`, the redirect URI's host, and the
//! provider at `127.0.0.1`: another site, so the `SameSite=Lax` flow cookie and the
//! `Strict` session cookie cross a real cross-site navigation. Skipped with a notice
//! without Chromium or chromedriver, except in CI (`CI=true`).

use std::time::Duration;

use fantoccini::Locator;

use crate::support::app::App;
use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::fake_oidc::{CLIENT_ID, CLIENT_SECRET, FakeOidc, FakeUser};
use crate::support::process::eventually;
use crate::web_browser::{browser, find_program, start_driver};
use crate::web_process::listening_port;

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test]
async fn sign_in_with_hugging_face_in_a_real_browser() {
    let programs = (
        find_program("CHROMEDRIVER", &["chromedriver"]),
        find_program(
            "CHROMIUM",
            &["chromium", "chromium-browser", "google-chrome"],
        ),
    );
    let (Some(driver), Some(chromium)) = programs else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "chromedriver or chromium is missing"
        );
        eprintln!("skipped: no chromedriver or chromium");
        return;
    };
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice");
    hub.add_space(SpaceSpec::new("alice/app"));
    let oidc = FakeOidc::start("client_secret_basic").await;
    oidc.approve(FakeUser::new("alice"));
    oidc.show_consent_page();
    let app = App::new(&hub)
        .env("SPACES", "alice/app")
        .env("HF_TOKEN", "hf_alice")
        .env("OAUTH_CLIENT_ID", CLIENT_ID)
        .env("OAUTH_CLIENT_SECRET", CLIENT_SECRET)
        .env("OPENID_PROVIDER_URL", &oidc.url())
        .env("WEB_ADMINS", "alice")
        .env("RUST_LOG", "info");
    let mut running = app.spawn(&["run"]);
    let port = listening_port(&running).await;
    let base = format!("http://localhost:{port}");

    let driver = start_driver(&driver).await;
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, &chromium, profile.path()).await;
    client.goto(&format!("{base}/login")).await.unwrap();
    // Waited for, not found at once: CI under load once looked before the page was there.
    let button = client
        .wait()
        .for_element(Locator::LinkText("Sign in with Hugging Face"))
        .await
        .expect("the sign-in button");
    button.click().await.unwrap();
    let authorize = client.wait().for_element(Locator::Id("authorize")).await;
    authorize
        .expect("the provider's consent page")
        .click()
        .await
        .unwrap();
    // The continue page's meta refresh leads to the status page, signed in.
    let mut header = String::new();
    let signed_in = eventually(WAIT, async || {
        header = match client.find(Locator::Css(".who")).await {
            Ok(element) => element.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        header.contains("alice (admin)")
    })
    .await;
    let url = client.current_url().await.unwrap();
    assert!(signed_in, "not signed in at {url}: {header:?}");
    assert_eq!(url.path(), "/");
    client.close().await.unwrap();
    assert_eq!(running.terminate(WAIT).await, Some(0));
}
