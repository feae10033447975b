//! Sign-in under load and on a Space (issue 19, defects 2, 4, 6 and 15), through the
//! router without a socket: password checks running at once never exceed the memory
//! bound (13 for argon2's default 19 MiB), a busy server answers 503 with
//! `Retry-After: 1` without counting a failure, the throttle reserves an attempt
//! before it is checked, on a Space each forwarded client has its own throttle and the
//! form links out of Hugging Face's frame, and no page with a token may be cached.
//!
//! The checks are counted by a gate (`CredentialCheck`) that holds every check until
//! the test opens it, so what runs at once is seen without timing anything.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use spacewarden::config::SignIn;
use spacewarden::web::{self, CredentialCheck};
use tokio::task::JoinHandle;

use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::process::eventually;
use crate::support::web::{Reply, Site, Visitor};

const USER: &str = "ops";
/// `hunter2` by `spacewarden hash-password`: argon2's defaults, m=19456 KiB.
const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$DvNIkc6DtBPt3JzR4EjTYQ$jT49kA6fstnK512fXCPMOxB5K5FshYN5ECmYu1f/Hbw";
const PASSWORD: &str = "hunter2";
/// The bound for m=19456 KiB: 256 MiB ÷ 19 MiB.
const PERMITS: usize = 13;
const WAIT: Duration = Duration::from_secs(30);

/// A password check that waits while the gate is closed, and counts.
#[derive(Default)]
struct Gate {
    state: Mutex<GateState>,
    moved: Condvar,
}

#[derive(Default)]
struct GateState {
    closed: bool,
    running: usize,
    peak: usize,
    started: usize,
}

impl CredentialCheck for Gate {
    fn check(&self, sign_in: &SignIn, username: &str, password: &str) -> bool {
        let mut state = self.state.lock().unwrap();
        state.started += 1;
        state.running += 1;
        state.peak = state.peak.max(state.running);
        while state.closed {
            state = self.moved.wait(state).unwrap();
        }
        state.running -= 1;
        username == sign_in.username && password == PASSWORD
    }
}

impl Gate {
    fn set_closed(&self, closed: bool) {
        self.state.lock().unwrap().closed = closed;
        self.moved.notify_all();
    }

    fn read<T>(&self, f: impl Fn(&GateState) -> T) -> T {
        f(&self.state.lock().unwrap())
    }
}

/// Opens the gate when dropped, so a failed assertion never leaves checks waiting
/// (the runtime would wait for them for ever).
struct Opens(Arc<Gate>);

impl Drop for Opens {
    fn drop(&mut self) {
        self.0.set_closed(false);
    }
}

async fn site(env: &[(&str, &str)]) -> Site {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    let mut all = vec![("WEB_USERNAME", USER), ("WEB_PASSWORD_HASH", HASH)];
    all.extend_from_slice(env);
    let site = Site::with_env(&hub, "alice/app", None, "", &all).await;
    site.check().await;
    site
}

/// The site's router with `gate` checking passwords.
fn gated(site: &Site, gate: &Arc<Gate>) -> Router {
    web::router(site.state().with_credential_check(gate.clone()))
}

fn visitor(router: &Router, n: usize) -> Visitor {
    let mut visitor = Visitor::new(router.clone());
    visitor.peer = format!("10.{}.{}.1:40000", n / 256, n % 256)
        .parse()
        .unwrap();
    visitor
}

/// Sign-ins started at once; `finished` counts the answers.
fn sign_ins_at_once(
    visitors: Vec<Visitor>,
    password: &'static str,
    finished: &Arc<AtomicUsize>,
) -> Vec<JoinHandle<Reply>> {
    visitors
        .into_iter()
        .map(|mut visitor| {
            let finished = finished.clone();
            tokio::spawn(async move {
                let fields = [("username", USER), ("password", password)];
                let reply = visitor.post("/login", &fields).await;
                finished.fetch_add(1, Ordering::SeqCst);
                reply
            })
        })
        .collect()
}

/// Waits until each of `total` sign-ins was answered or is held at the gate.
async fn settled(gate: &Gate, finished: &AtomicUsize, total: usize) {
    let done = eventually(WAIT, async || {
        gate.read(|s| s.running) + finished.load(Ordering::SeqCst) == total
    })
    .await;
    assert!(done, "sign-ins neither answered nor checking");
}

async fn statuses(handles: Vec<JoinHandle<Reply>>) -> Vec<Reply> {
    let mut replies = Vec::new();
    for handle in handles {
        replies.push(handle.await.unwrap());
    }
    replies
}

/// An answer given while every check is held: it must not wait for one (a guard
/// against hanging when the bound is broken, not a measurement).
async fn answered(reply: impl Future<Output = Reply>) -> Reply {
    tokio::time::timeout(WAIT, reply)
        .await
        .expect("waited for a check while all were busy")
}

fn count(replies: &[Reply], status: StatusCode) -> usize {
    replies.iter().filter(|r| r.status == status).count()
}

#[tokio::test]
async fn two_hundred_sign_ins_at_once_run_at_most_thirteen_checks() {
    let site = site(&[]).await;
    let gate = Arc::new(Gate::default());
    let _opens = Opens(gate.clone());
    let router = gated(&site, &gate);
    gate.set_closed(true);
    let finished = Arc::new(AtomicUsize::new(0));
    let visitors = (0..200).map(|n| visitor(&router, n)).collect();
    let handles = sign_ins_at_once(visitors, "wrong", &finished);
    settled(&gate, &finished, 200).await;
    assert_eq!(
        gate.read(|s| s.peak),
        PERMITS,
        "checks at once, 200 clients"
    );
    gate.set_closed(false);
    let replies = statuses(handles).await;
    assert_eq!(count(&replies, StatusCode::UNAUTHORIZED), PERMITS);
    assert_eq!(
        count(&replies, StatusCode::SERVICE_UNAVAILABLE),
        200 - PERMITS
    );
    for busy in replies
        .iter()
        .filter(|r| r.status == StatusCode::SERVICE_UNAVAILABLE)
    {
        assert_eq!(busy.header("retry-after"), "1");
        assert!(busy.body.contains("Too many sign-ins at once"));
    }
    assert_eq!(
        gate.read(|s| s.started),
        PERMITS,
        "the rest were never checked"
    );
    assert!(replies.iter().all(|r| !r.body.contains(PASSWORD)));
}

#[tokio::test]
async fn busy_is_503_before_the_check_and_is_not_a_failed_attempt() {
    let site = site(&[]).await;
    let gate = Arc::new(Gate::default());
    let _opens = Opens(gate.clone());
    let router = gated(&site, &gate);
    // A client that used up its attempts while the server was free.
    let mut guesser = visitor(&router, 900);
    for _ in 0..5 {
        let reply = guesser
            .post("/login", &[("username", USER), ("password", "guess")])
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }

    gate.set_closed(true);
    let finished = Arc::new(AtomicUsize::new(0));
    let holders = (0..PERMITS).map(|n| visitor(&router, n)).collect();
    let handles = sign_ins_at_once(holders, PASSWORD, &finished);
    let full = eventually(WAIT, async || gate.read(|s| s.running) == PERMITS).await;
    assert!(full, "the holders never all started");

    let mut latecomer = visitor(&router, 901);
    for _ in 0..8 {
        let busy =
            answered(latecomer.post("/login", &[("username", USER), ("password", "guess")])).await;
        assert_eq!(busy.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(busy.header("retry-after"), "1");
    }
    let throttled =
        answered(guesser.post("/login", &[("username", USER), ("password", PASSWORD)])).await;
    assert_eq!(
        throttled.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the throttle comes first"
    );

    gate.set_closed(false);
    let replies = statuses(handles).await;
    assert_eq!(count(&replies, StatusCode::SEE_OTHER), PERMITS, "signed in");
    // Eight 503s later, the latecomer still has all five attempts.
    for _ in 0..5 {
        let reply = latecomer
            .post("/login", &[("username", USER), ("password", "guess")])
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    let sixth = latecomer
        .post("/login", &[("username", USER), ("password", "guess")])
        .await;
    assert_eq!(sixth.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn fifty_guesses_at_once_from_one_client_check_five() {
    let site = site(&[]).await;
    let gate = Arc::new(Gate::default());
    let _opens = Opens(gate.clone());
    let router = gated(&site, &gate);
    gate.set_closed(true);
    let finished = Arc::new(AtomicUsize::new(0));
    let visitors = (0..50).map(|_| visitor(&router, 7)).collect();
    let handles = sign_ins_at_once(visitors, "guess", &finished);
    settled(&gate, &finished, 50).await;
    assert_eq!(
        gate.read(|s| s.started),
        5,
        "checks for one client in a minute"
    );
    gate.set_closed(false);
    let replies = statuses(handles).await;
    assert_eq!(count(&replies, StatusCode::UNAUTHORIZED), 5);
    assert_eq!(count(&replies, StatusCode::TOO_MANY_REQUESTS), 45);
    // A minute on, five more.
    site.clock.advance(Duration::from_secs(61));
    let mut again = visitor(&router, 7);
    again.sign_in(USER, PASSWORD).await;
    assert_eq!(gate.read(|s| s.started), 6);
}

/// Five wrong passwords from `visitor`, then the sixth attempt's status.
async fn five_wrong_then(visitor: &mut Visitor) -> StatusCode {
    for _ in 0..5 {
        let reply = visitor
            .post("/login", &[("username", USER), ("password", "guess")])
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    let sixth = visitor
        .post("/login", &[("username", USER), ("password", PASSWORD)])
        .await;
    sixth.status
}

#[tokio::test]
async fn on_a_space_each_forwarded_client_has_its_own_throttle() {
    let site = site(&[("SPACE_ID", "alice/warden")]).await;
    // Every request comes from Hugging Face's proxy, which appends the client.
    let proxied = |chain: &str| {
        let mut visitor = Visitor::new(site.router());
        visitor.peer = "10.16.3.7:5000".parse().unwrap();
        visitor.headers = vec![("x-forwarded-for".into(), chain.into())];
        visitor
    };
    let mut guesser = proxied("203.0.113.9");
    assert_eq!(
        five_wrong_then(&mut guesser).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // What the guesser puts in front of the proxy's entry changes nothing.
    let mut spoofer = proxied("198.51.100.1, 203.0.113.9");
    let spoofed = spoofer
        .post("/login", &[("username", USER), ("password", PASSWORD)])
        .await;
    assert_eq!(spoofed.status, StatusCode::TOO_MANY_REQUESTS);
    // The admin, from elsewhere, is not locked out.
    proxied("192.0.2.44").sign_in(USER, PASSWORD).await;

    // Two proxies: the entry the outer one appended is the client.
    let two = site_with_hops().await;
    let mut behind = Visitor::new(two.router());
    behind.peer = "10.16.3.7:5000".parse().unwrap();
    behind.headers = vec![("x-forwarded-for".into(), "203.0.113.9, 10.1.1.1".into())];
    assert_eq!(
        five_wrong_then(&mut behind).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    behind.headers = vec![("x-forwarded-for".into(), "192.0.2.44, 10.1.1.1".into())];
    behind.sign_in(USER, PASSWORD).await;
}

async fn site_with_hops() -> Site {
    site(&[("SPACE_ID", "alice/warden"), ("TRUSTED_PROXY_HOPS", "2")]).await
}

#[tokio::test]
async fn off_a_space_forwarded_for_is_not_believed() {
    let site = site(&[]).await;
    let mut guesser = Visitor::new(site.router());
    guesser.headers = vec![("x-forwarded-for".into(), "203.0.113.9".into())];
    assert_eq!(
        five_wrong_then(&mut guesser).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    guesser.headers = vec![("x-forwarded-for".into(), "203.0.113.10".into())];
    let other = guesser
        .post("/login", &[("username", USER), ("password", PASSWORD)])
        .await;
    assert_eq!(other.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn on_a_space_the_form_links_out_of_the_frame_and_only_huggingface_frames_it() {
    let site = site(&[
        ("SPACE_ID", "alice/warden"),
        ("SPACE_HOST", "alice-warden.hf.space"),
    ])
    .await;
    let visitor = Visitor::new(site.router());
    let form = visitor.get("/login").await;
    assert!(
        form.body.contains(
            "<a href=\"https://alice-warden.hf.space/login\" target=\"_blank\" rel=\"noopener\">"
        ),
        "{}",
        form.body
    );
    let policy = form.header("content-security-policy");
    assert!(
        policy.ends_with("frame-ancestors https://huggingface.co"),
        "{policy}"
    );
    assert!(!policy.contains("hf.space"), "{policy}");

    let elsewhere = Site::with_env(
        &site.hub,
        "alice/app",
        None,
        "",
        &[("WEB_USERNAME", USER), ("WEB_PASSWORD_HASH", HASH)],
    )
    .await;
    let form = Visitor::new(elsewhere.router()).get("/login").await;
    assert!(!form.body.contains("target=\"_blank\""), "not on a Space");
}

#[tokio::test]
async fn no_page_with_a_token_is_cached() {
    let site = site(&[]).await;
    let mut visitor = Visitor::new(site.router());
    let mut pages = vec![visitor.get("/login").await];
    pages.push(
        visitor
            .post("/login", &[("username", USER), ("password", "wrong")])
            .await,
    );
    visitor.sign_in(USER, PASSWORD).await;
    pages.push(visitor.get("/").await);
    pages.push(visitor.get("/space/alice/app").await);
    let csrf = visitor.csrf("/").await;
    let ask = visitor
        .post("/space/alice/app/rebuild", &[("csrf", &csrf)])
        .await;
    assert!(
        ask.body.contains("name=\"csrf\""),
        "the confirmation carries it"
    );
    pages.push(ask);
    for page in &pages {
        assert!(page.header("content-type").starts_with("text/html"));
        assert_eq!(page.header("cache-control"), "no-store", "{}", page.body);
    }
    let style = visitor.get("/assets/style.css").await;
    assert_ne!(
        style.header("cache-control"),
        "no-store",
        "assets may be cached"
    );
}
