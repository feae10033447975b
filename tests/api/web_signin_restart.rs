//! Sessions across restarts of the real `spacewarden run` (issue 19, defect 5), on
//! SQLite and, when a test server is set, on Postgres: a restart with the same password
//! keeps the session, a restart with a new one ends it (the old cookie no longer
//! restarts a Space). And a `WEB_PASSWORD_HASH` that would take more than 256 MiB per
//! sign-in stops startup with exit 2 (defect 2). No password ever shows in the output
//! or an answer.

use std::time::Duration;

use reqwest::redirect::Policy;

use crate::support::app::App;
use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::postgres::fresh_database;
use crate::support::process::{Running, eventually};
use crate::web_process::listening_port;

const USER: &str = "ops";
const OLD: &str = "old password 0451";
const NEW: &str = "new password 9377";
const WAIT: Duration = Duration::from_secs(15);

/// One `spacewarden run` with `password`, and a browser without a cookie jar.
struct Daemon {
    running: Running,
    base: String,
    http: reqwest::Client,
}

impl Daemon {
    async fn start(app: &App) -> Daemon {
        let running = app.spawn(&["run"]);
        let port = listening_port(&running).await;
        let http = reqwest::Client::builder()
            .redirect(Policy::none())
            .build()
            .unwrap();
        Daemon {
            running,
            base: format!("http://127.0.0.1:{port}"),
            http,
        }
    }

    /// Signs in; the cookie's `name=value`.
    async fn sign_in(&self, password: &str, seen: &mut String) -> String {
        let reply = self
            .http
            .post(format!("{}/login", self.base))
            .form(&[("username", USER), ("password", password)])
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 303);
        let cookie = reply.headers()["set-cookie"].to_str().unwrap().to_owned();
        seen.push_str(&cookie);
        cookie.split(';').next().unwrap().to_owned()
    }

    /// The page of alice/app as the holder of `cookie`: its body.
    async fn page(&self, cookie: &str, seen: &mut String) -> String {
        let reply = self
            .http
            .get(format!("{}/space/alice/app", self.base))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        let body = reply.text().await.unwrap();
        seen.push_str(&body);
        body
    }

    /// Asks for a restart of alice/app with `cookie` and `csrf`; where it leads.
    async fn restart(&self, cookie: &str, csrf: &str) -> String {
        let reply = self
            .http
            .post(format!("{}/space/alice/app/restart", self.base))
            .header("cookie", cookie)
            .form(&[("csrf", csrf)])
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 303);
        reply.headers()["location"].to_str().unwrap().to_owned()
    }

    async fn stop(mut self, output: &mut String) {
        assert_eq!(self.running.terminate(WAIT).await, Some(0));
        output.push_str(&self.running.output());
    }
}

fn csrf_of(page: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = page.find(marker).expect("a signed-in page") + marker.len();
    page[start..].split('"').next().unwrap().to_owned()
}

async fn a_new_password_ends_old_sessions_on(database: Option<String>) {
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice");
    hub.add_space(SpaceSpec::new("alice/app"));
    let mut app = App::new(&hub)
        .env("SPACES", "alice/app")
        .env("HF_TOKEN", "hf_alice")
        .env("WEB_USERNAME", USER)
        .env("WEB_PASSWORD", OLD)
        .env("RUST_LOG", "debug");
    if let Some(url) = database {
        app = app.env("DATABASE_URL", &url);
    }
    let (mut seen, mut output) = (String::new(), String::new());

    let first = Daemon::start(&app).await;
    let cookie = first.sign_in(OLD, &mut seen).await;
    assert!(first.page(&cookie, &mut seen).await.contains("Sign out"));
    first.stop(&mut output).await;

    // The same password: the session goes on, and its restart reaches the Hub.
    let same = Daemon::start(&app).await;
    let page = same.page(&cookie, &mut seen).await;
    assert!(page.contains("Sign out"), "a restart ended the session");
    let csrf = csrf_of(&page);
    assert_eq!(same.restart(&cookie, &csrf).await, "/space/alice/app");
    let restarted = eventually(WAIT, async || hub.restarts("alice/app").len() == 1).await;
    assert!(restarted, "the restart never reached the Hub");
    same.stop(&mut output).await;

    // A new password: the old cookie is nobody's.
    let app = app.env("WEB_PASSWORD", NEW);
    let changed = Daemon::start(&app).await;
    let location = changed.restart(&cookie, &csrf).await;
    assert!(location.starts_with("/login"), "{location}");
    assert!(!changed.page(&cookie, &mut seen).await.contains("Sign out"));
    let fresh = changed.sign_in(NEW, &mut seen).await;
    assert!(changed.page(&fresh, &mut seen).await.contains("Sign out"));
    changed.stop(&mut output).await;
    assert_eq!(hub.restarts("alice/app").len(), 1, "no second restart");

    for password in [OLD, NEW] {
        assert!(!output.contains(password), "the log shows a password");
        assert!(!seen.contains(password), "an answer shows a password");
    }
}

#[tokio::test]
async fn a_new_password_ends_every_old_session_and_the_same_one_keeps_them() {
    a_new_password_ends_old_sessions_on(None).await;
}

#[tokio::test]
async fn a_new_password_ends_every_old_session_on_postgres() {
    if let Some(url) = fresh_database().await {
        a_new_password_ends_old_sessions_on(Some(url)).await;
    }
}

#[tokio::test]
async fn a_hash_over_256_mib_a_sign_in_is_a_startup_error() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    let hash = "$argon2id$v=19$m=524288,t=2,p=1$DvNIkc6DtBPt3JzR4EjTYQ$jT49kA6fstnK512fXCPMOxB5K5FshYN5ECmYu1f/Hbw";
    let app = App::new(&hub)
        .env("SPACES", "alice/app")
        .env("WEB_USERNAME", USER)
        .env("WEB_PASSWORD_HASH", hash);
    let run = app.run(&["run"]).await;
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("WEB_PASSWORD_HASH"), "{}", run.stderr);
    assert!(run.stderr.contains("256 MiB"), "{}", run.stderr);
    assert!(!run.stderr.contains("jT49kA6f"), "the hash is never quoted");
}
