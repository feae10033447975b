//! Sign in with Hugging Face against a real OpenID Connect server, not only our own
//! fake: panva's `oidc-provider` (npm, pinned in `tests/oidc-provider/package.json`,
//! run by `tests/oidc-provider/server.mjs`) with an `orgs` claim and an http redirect
//! to this machine. An admin through `@acme` signs in and restarts a Space once.
//!
//! Needs `node` and `npm ci` in `tests/oidc-provider` (`.ci/run` does it). Without them
//! the test says so and passes, except under `CI=true`, where it fails.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use reqwest::redirect::Policy;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::support::app::App;
use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::process::eventually;

const WAIT: Duration = Duration::from_secs(15);
const CLIENT_ID: &str = "spacewarden-real-test";
const CLIENT_SECRET: &str = "real-provider-secret-5d8e1f";

fn provider_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oidc-provider")
}

/// Whether node and the installed package are here; a notice (or, on CI, a failure)
/// when not.
fn available() -> bool {
    let node = std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let installed = provider_dir().join("node_modules/oidc-provider").is_dir();
    if node && installed {
        return true;
    }
    let why = "node or tests/oidc-provider/node_modules is missing (run `npm ci` there)";
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{why}");
    eprintln!("SKIPPED web_oauth_real: {why}");
    false
}

/// A free port for spacewarden: the provider must know the redirect before it starts.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// The cookies a browser would keep for the provider, as one `Cookie` header.
#[derive(Default)]
struct Jar(Vec<(String, String)>);

impl Jar {
    fn keep(&mut self, reply: &reqwest::Response) {
        for value in reply.headers().get_all("set-cookie") {
            let pair = value.to_str().unwrap().split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            self.0.retain(|(n, _)| n != name);
            self.0.push((name.to_owned(), value.to_owned()));
        }
    }

    fn header(&self) -> String {
        let pairs: Vec<String> = self.0.iter().map(|(n, v)| format!("{n}={v}")).collect();
        pairs.join("; ")
    }
}

#[tokio::test]
async fn an_org_admin_signs_in_at_a_real_openid_server_and_restarts() {
    if !available() {
        return;
    }
    let port = free_port();
    let orgs = r#"[{"sub":"org-1","name":"Acme","preferred_username":"acme","roleInOrg":"admin","isEnterprise":false}]"#;
    let mut node = tokio::process::Command::new("node")
        .arg("server.mjs")
        .current_dir(provider_dir())
        .env("CLIENT_ID", CLIENT_ID)
        .env("CLIENT_SECRET", CLIENT_SECRET)
        .env(
            "REDIRECT_URI",
            format!("http://localhost:{port}/login/callback"),
        )
        .env("USER_NAME", "carol")
        .env("ORGS", orgs)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("node");
    let mut lines = BufReader::new(node.stdout.take().unwrap()).lines();
    let provider_port = loop {
        let line = tokio::time::timeout(WAIT, lines.next_line())
            .await
            .expect("the provider starts")
            .unwrap()
            .expect("the provider's output");
        if let Some(port) = line.strip_prefix("listening ") {
            break port.trim().to_owned();
        }
    };
    let issuer = format!("http://127.0.0.1:{provider_port}");

    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice");
    hub.add_space(SpaceSpec::new("alice/app"));
    let app = App::new(&hub)
        .env("SPACES", "alice/app")
        .env("HF_TOKEN", "hf_alice")
        .env("PORT", &port.to_string())
        .env("OAUTH_CLIENT_ID", CLIENT_ID)
        .env("OAUTH_CLIENT_SECRET", CLIENT_SECRET)
        .env("OPENID_PROVIDER_URL", &issuer)
        .env("WEB_ADMINS", "@acme")
        .env("RUST_LOG", "info");
    let mut running = app.spawn(&["run"]);
    running.wait_for("HTTP server listening", WAIT).await;
    running.wait_for_read_model(WAIT).await;
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap();

    let start = http
        .get(format!("{base}/login/huggingface"))
        .send()
        .await
        .unwrap();
    assert_eq!(start.status(), 303);
    let flow = start.headers()["set-cookie"].to_str().unwrap();
    let flow = flow.split(';').next().unwrap().to_owned();
    let mut next = start.headers()["location"].to_str().unwrap().to_owned();
    // Through the provider's redirects (authorize, its interaction, resume) with its
    // cookies, until it sends the browser back to spacewarden.
    let mut jar = Jar::default();
    for _ in 0..10 {
        if !next.starts_with(&issuer) {
            break;
        }
        let reply = http
            .get(&next)
            .header("cookie", jar.header())
            .send()
            .await
            .unwrap();
        jar.keep(&reply);
        assert!(
            reply.status().is_redirection(),
            "{next}: {}",
            reply.status()
        );
        let location = reply.headers()["location"].to_str().unwrap();
        next = url::Url::parse(&next)
            .unwrap()
            .join(location)
            .unwrap()
            .to_string();
    }
    let back = next.replacen("http://localhost:", "http://127.0.0.1:", 1);
    assert!(
        back.starts_with(&format!("{base}/login/callback?")),
        "{back}"
    );
    let ended = http
        .get(&back)
        .header("cookie", &flow)
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), 200);
    let session = ended
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|v| v.starts_with("spacewarden_session=") && !v.starts_with("spacewarden_session=;"))
        .expect("a session")
        .split(';')
        .next()
        .unwrap()
        .to_owned();

    let page = http
        .get(format!("{base}/space/alice/app"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("carol</strong> (admin)"), "{page}");
    let marker = "name=\"csrf\" value=\"";
    let csrf = page[page.find(marker).unwrap() + marker.len()..]
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let restart = http
        .post(format!("{base}/space/alice/app/restart"))
        .header("cookie", &session)
        .form(&[("csrf", csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(restart.status(), 303);
    let restarted = eventually(WAIT, async || hub.restarts("alice/app").len() == 1).await;
    assert!(restarted, "the restart never reached the Hub");
    assert_eq!(running.terminate(WAIT).await, Some(0));
    assert!(!running.output().contains(CLIENT_SECRET));
    node.kill().await.ok();
}
