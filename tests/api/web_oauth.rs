//! Sign in with Hugging Face (issue 24): the real `spacewarden run` against the fake
//! Hub and the fake OpenID provider (`support/fake_oidc`). An admin by name and one
//! through an `@org` restart a Space (one Hub restart each); a viewer gets 403, an
//! audit row and no Hub call; a user in neither list gets no session; a forged
//! `state`, a replayed callback, a wrong client secret and an `id_token` with another
//! nonce get a 400 and no session; `WEB_PRIVATE` hides the page. Neither an access
//! token nor the client secret shows anywhere in the output or the answers.

use std::time::Duration;

use reqwest::redirect::Policy;

use crate::support::app::App;
use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::fake_oidc::{CLIENT_ID, CLIENT_SECRET, FakeOidc, FakeUser};
use crate::support::process::{Running, eventually};
use crate::web_process::listening_port;

const WAIT: Duration = Duration::from_secs(15);
const SESSION: &str = "spacewarden_session=";

struct Daemon {
    running: Running,
    base: String,
    http: reqwest::Client,
    /// Every answer's headers and body, for the leak search.
    seen: String,
}

/// Where a sign-in ended: the callback's status, its body, the session cookie if any.
struct Ended {
    status: u16,
    body: String,
    cookie: Option<String>,
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
            seen: String::new(),
        }
    }

    async fn get(&mut self, url: &str, cookie: Option<&str>) -> reqwest::Response {
        let mut request = self.http.get(url);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        let reply = request.send().await.unwrap();
        self.seen.push_str(&format!("{:?}", reply.headers()));
        reply
    }

    /// Runs the flow up to the callback URL the provider sends the browser to; with
    /// the flow cookie.
    async fn authorize(&mut self) -> (String, String) {
        let start = self
            .get(&format!("{}/login/huggingface", self.base), None)
            .await;
        assert_eq!(start.status(), 303);
        let flow = cookie_of(&start, "spacewarden_oauth=").expect("a flow cookie");
        let set = start.headers()["set-cookie"].to_str().unwrap();
        assert!(
            set.contains("SameSite=Lax") && set.contains("HttpOnly"),
            "{set}"
        );
        let to_provider = start.headers()["location"].to_str().unwrap().to_owned();
        let approved = self.get(&to_provider, None).await;
        assert_eq!(approved.status(), 302, "{}", approved.text().await.unwrap());
        let back = approved.headers()["location"].to_str().unwrap().to_owned();
        assert!(back.starts_with("http://localhost:"), "{back}");
        (back.replacen("localhost", "127.0.0.1", 1), flow)
    }

    async fn callback(&mut self, url: &str, flow: &str) -> Ended {
        let reply = self.get(url, Some(flow)).await;
        let status = reply.status().as_u16();
        let cookie = cookie_of(&reply, SESSION);
        let body = reply.text().await.unwrap();
        self.seen.push_str(&body);
        Ended {
            status,
            body,
            cookie,
        }
    }

    async fn sign_in(&mut self, oidc: &FakeOidc, user: FakeUser) -> Ended {
        oidc.approve(user);
        let (back, flow) = self.authorize().await;
        self.callback(&back, &flow).await
    }

    async fn page(&mut self, path: &str, cookie: &str) -> (u16, String) {
        let reply = self
            .get(&format!("{}{path}", self.base), Some(cookie))
            .await;
        let status = reply.status().as_u16();
        let body = reply.text().await.unwrap();
        self.seen.push_str(&body);
        (status, body)
    }

    /// Asks for a restart of `space` from its page; the answer's status.
    async fn restart(&mut self, space: &str, cookie: &str) -> u16 {
        let (_, page) = self.page(&format!("/space/{space}"), cookie).await;
        let reply = self
            .http
            .post(format!("{}/space/{space}/restart", self.base))
            .header("cookie", cookie)
            .form(&[("csrf", csrf_of(&page))])
            .send()
            .await
            .unwrap();
        let status = reply.status().as_u16();
        self.seen.push_str(&reply.text().await.unwrap());
        status
    }

    async fn stop(mut self) -> String {
        assert_eq!(self.running.terminate(WAIT).await, Some(0));
        format!("{}\n{}", self.running.output(), self.seen)
    }
}

fn cookie_of(reply: &reqwest::Response, name: &str) -> Option<String> {
    reply
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(name) && !v.starts_with(&format!("{name};")))
        .map(|v| v.split(';').next().unwrap().to_owned())
}

fn csrf_of(page: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = page.find(marker).expect("a signed-in page") + marker.len();
    page[start..].split('"').next().unwrap().to_owned()
}

async fn setup(auth_method: &'static str) -> (FakeHub, FakeOidc, App) {
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice");
    hub.add_space(SpaceSpec::new("alice/app"));
    hub.add_space(SpaceSpec::new("alice/other"));
    let oidc = FakeOidc::start(auth_method).await;
    let app = App::new(&hub)
        .env("SPACES", "alice/app,alice/other")
        .env("HF_TOKEN", "hf_alice")
        .env("OAUTH_CLIENT_ID", CLIENT_ID)
        .env("OAUTH_CLIENT_SECRET", CLIENT_SECRET)
        .env("OAUTH_SCOPES", "openid profile")
        .env("OPENID_PROVIDER_URL", &oidc.url())
        .env("WEB_ADMINS", "Alice,@acme")
        .env("WEB_VIEWERS", "bob")
        .env("RUST_LOG", "debug");
    (hub, oidc, app)
}

fn assert_no_leak(output: &str, oidc: &FakeOidc) {
    let tokens = oidc.access_tokens();
    assert!(!tokens.is_empty());
    for token in tokens {
        assert!(!output.contains(&token), "an access token leaked");
    }
    assert!(!output.contains(CLIENT_SECRET), "the client secret leaked");
}

#[tokio::test]
async fn admins_by_name_and_by_org_restart_and_a_viewer_is_refused() {
    let (hub, oidc, app) = setup("client_secret_basic").await;
    let mut daemon = Daemon::start(&app).await;

    let alice = daemon.sign_in(&oidc, FakeUser::new("alice")).await;
    assert_eq!(alice.status, 200, "{}", alice.body);
    assert!(
        alice.body.contains("http-equiv=\"refresh\""),
        "{}",
        alice.body
    );
    let cookie = alice.cookie.expect("a session for alice");
    let (_, page) = daemon.page("/space/alice/app", &cookie).await;
    assert!(page.contains("alice</strong> (admin)"), "{page}");
    assert_eq!(daemon.restart("alice/app", &cookie).await, 303);
    let one = eventually(WAIT, async || hub.restarts("alice/app").len() == 1).await;
    assert!(one, "alice's restart never reached the Hub");

    let carol = FakeUser::new("carol").in_org("ACME", "write");
    let carol = daemon.sign_in(&oidc, carol).await.cookie.expect("carol");
    assert_eq!(daemon.restart("alice/other", &carol).await, 303);
    let two = eventually(WAIT, async || hub.restarts("alice/other").len() == 1).await;
    assert!(
        two,
        "carol's restart (admin through @acme) never reached the Hub"
    );

    let bob = daemon.sign_in(&oidc, FakeUser::new("bob")).await;
    let bob = bob.cookie.expect("a viewer's session");
    let (_, page) = daemon.page("/", &bob).await;
    assert!(page.contains("bob</strong> (viewer)"), "{page}");
    // A viewer is offered no action button (the core would refuse it); an admin is.
    let (_, admin_page) = daemon.page("/", &carol).await;
    assert!(admin_page.contains("/restart\""), "{admin_page}");
    assert!(!page.contains("/restart\""), "{page}");
    let (_, space_page) = daemon.page("/space/alice/app", &bob).await;
    assert!(!space_page.contains("/restart\""), "{space_page}");
    assert_eq!(daemon.restart("alice/app", &bob).await, 403);

    // A contributor of @acme is in neither list: told so, no session.
    let dave = FakeUser::new("dave").in_org("acme", "contributor");
    let dave = daemon.sign_in(&oidc, dave).await;
    assert_eq!(dave.status, 403);
    assert!(dave.body.contains("neither as an admin nor as a viewer"));
    assert!(dave.cookie.is_none());

    let output = daemon.stop().await;
    assert_eq!(
        hub.restarts("alice/app").len(),
        1,
        "the viewer reached the Hub"
    );
    let audit = app.store().await.audit_log(50).await.unwrap();
    let refused = audit
        .iter()
        .find(|row| row.user_id == "hf:bob")
        .expect("an audit row for the viewer");
    assert!(!refused.allowed);
    assert!(
        audit
            .iter()
            .any(|row| row.user_id == "hf:alice" && row.allowed)
    );
    assert_eq!(oidc.token_answers(), ["ok", "ok", "ok", "ok"]);
    assert_no_leak(&output, &oidc);
}

#[tokio::test]
async fn forged_state_replays_and_a_bad_id_token_make_no_session() {
    let (_hub, oidc, app) = setup("client_secret_post").await;
    let mut daemon = Daemon::start(&app).await;
    oidc.approve(FakeUser::new("alice"));

    let (back, flow) = daemon.authorize().await;
    let forged = back.replace("state=", "state=0");
    let ended = daemon.callback(&forged, &flow).await;
    assert_eq!(
        (ended.status, ended.cookie.is_some()),
        (400, false),
        "forged state"
    );
    // The flow was used up by the forged callback: the real one is refused too.
    let ended = daemon.callback(&back, &flow).await;
    assert_eq!(
        (ended.status, ended.cookie.is_some()),
        (400, false),
        "used flow"
    );

    let (back, flow) = daemon.authorize().await;
    let ended = daemon.callback(&back, &flow).await;
    assert_eq!(ended.status, 200, "{}", ended.body);
    assert!(ended.cookie.is_some(), "client_secret_post works");
    let replay = daemon.callback(&back, &flow).await;
    assert_eq!(
        (replay.status, replay.cookie.is_some()),
        (400, false),
        "replay"
    );

    oidc.sign_nonce("a-nonce-nobody-asked-for");
    let (back, flow) = daemon.authorize().await;
    let ended = daemon.callback(&back, &flow).await;
    assert_eq!(
        (ended.status, ended.cookie.is_some()),
        (400, false),
        "nonce"
    );

    let output = daemon.stop().await;
    assert!(output.contains("carries another nonce"), "the log says why");
    assert_no_leak(&output, &oidc);
}

#[tokio::test]
async fn a_wrong_client_secret_is_refused_by_the_provider() {
    let (_hub, oidc, app) = setup("client_secret_basic").await;
    let app = app.env("OAUTH_CLIENT_SECRET", "not-the-secret");
    let mut daemon = Daemon::start(&app).await;
    let ended = daemon.sign_in(&oidc, FakeUser::new("alice")).await;
    assert_eq!((ended.status, ended.cookie.is_some()), (400, false));
    daemon.stop().await;
    assert_eq!(oidc.token_answers(), ["invalid_client"]);
}

#[tokio::test]
async fn web_private_hides_the_page_until_signed_in() {
    let (_hub, oidc, app) = setup("client_secret_basic").await;
    let app = app
        .env("WEB_PRIVATE", "true")
        .env("API_KEY", "metrics-key-42");
    let mut daemon = Daemon::start(&app).await;
    let base = daemon.base.clone();
    for path in ["/", "/space/alice/app", "/live", "/costs"] {
        let reply = daemon.get(&format!("{base}{path}"), None).await;
        assert_eq!(reply.status(), 303, "{path}");
        let location = reply.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with("/login?next="), "{path}: {location}");
    }
    for path in ["/login", "/healthz", "/assets/style.css"] {
        let reply = daemon.get(&format!("{base}{path}"), None).await;
        assert_eq!(reply.status(), 200, "{path}");
    }
    let login = daemon
        .get(&format!("{base}/login"), None)
        .await
        .text()
        .await
        .unwrap();
    assert!(login.contains("Sign in with Hugging Face"), "{login}");
    let metrics = daemon.get(&format!("{base}/metrics"), None).await;
    assert_eq!(metrics.status(), 401);
    let scraped = daemon
        .http
        .get(format!("{base}/metrics"))
        .bearer_auth("metrics-key-42")
        .send()
        .await
        .unwrap();
    assert_eq!(scraped.status(), 200);

    let cookie = daemon
        .sign_in(&oidc, FakeUser::new("bob"))
        .await
        .cookie
        .unwrap();
    let (status, page) = daemon.page("/", &cookie).await;
    assert_eq!(status, 200);
    assert!(page.contains("alice/app"), "{page}");
    daemon.stop().await;
}

#[tokio::test]
async fn oauth_configuration_errors_stop_startup() {
    let hub = FakeHub::start().await;
    let cases = [
        (vec![("OAUTH_CLIENT_ID", CLIENT_ID)], "OAUTH_CLIENT_SECRET"),
        (vec![("WEB_ADMINS", "alice,*")], "WEB_ADMINS"),
    ];
    for (vars, key) in cases {
        let mut app = App::new(&hub).env("SPACES", "alice/app");
        for (k, v) in vars {
            app = app.env(k, v);
        }
        let run = app.run(&["check"]).await;
        assert_eq!(run.code, 2, "{key}: {}", run.stderr);
        assert!(run.stderr.contains(&format!("{key}: ")), "{}", run.stderr);
    }
}

/// The fake refuses what a real provider refuses: a wrong PKCE verifier, a reused
/// code, a wrong client secret.
#[tokio::test]
async fn the_fake_provider_refuses_a_wrong_verifier_a_reused_code_and_a_wrong_secret() {
    use base64::Engine;
    use sha2::Digest;
    let oidc = FakeOidc::start("client_secret_basic").await;
    oidc.approve(FakeUser::new("alice"));
    let http = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    let verifier = "v".repeat(43);
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()));
    let redirect = "http://127.0.0.1:9/login/callback";
    let code = async || {
        let reply = http
            .get(format!("{}/oauth/authorize", oidc.url()))
            .query(&[
                ("client_id", CLIENT_ID),
                ("response_type", "code"),
                ("scope", "openid profile"),
                ("redirect_uri", redirect),
                ("state", "s"),
                ("code_challenge", &challenge),
                ("code_challenge_method", "S256"),
            ])
            .send()
            .await
            .unwrap();
        let back = url::Url::parse(reply.headers()["location"].to_str().unwrap()).unwrap();
        back.query_pairs()
            .find(|(k, _)| k == "code")
            .unwrap()
            .1
            .into_owned()
    };
    let exchange = async |code: &str, verifier: &str, secret: &str| {
        http.post(format!("{}/oauth/token", oidc.url()))
            .basic_auth(CLIENT_ID, Some(secret))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", redirect),
                ("code_verifier", verifier),
            ])
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    let first = code().await;
    assert_eq!(exchange(&first, &"w".repeat(43), CLIENT_SECRET).await, 400);
    let second = code().await;
    assert_eq!(exchange(&second, &verifier, "wrong").await, 401);
    assert_eq!(exchange(&second, &verifier, CLIENT_SECRET).await, 200);
    assert_eq!(
        exchange(&second, &verifier, CLIENT_SECRET).await,
        400,
        "reused"
    );
    assert_eq!(
        oidc.token_answers(),
        ["invalid_grant", "invalid_client", "ok", "invalid_grant"]
    );
}

/// A change of `WEB_ADMINS` or `WEB_VIEWERS` ends Hugging Face sessions; a restart
/// with the same lists keeps them.
#[tokio::test]
async fn a_change_of_the_role_lists_ends_hugging_face_sessions() {
    let (_hub, oidc, app) = setup("client_secret_basic").await;
    let mut daemon = Daemon::start(&app).await;
    let cookie = daemon
        .sign_in(&oidc, FakeUser::new("bob"))
        .await
        .cookie
        .unwrap();
    daemon.stop().await;

    let mut same = Daemon::start(&app).await;
    let (_, page) = same.page("/", &cookie).await;
    assert!(page.contains("bob</strong> (viewer)"), "same lists: {page}");
    same.stop().await;

    let changed = app.env("WEB_VIEWERS", "bob,erin");
    let mut daemon = Daemon::start(&changed).await;
    let (_, page) = daemon.page("/", &cookie).await;
    assert!(
        !page.contains("bob</strong>"),
        "the session outlived a list change"
    );
    daemon.stop().await;
}
