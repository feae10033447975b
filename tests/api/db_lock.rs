//! Issue 19, defect 3: one acting process per SQLite file. A second daemon on the same
//! `DATABASE_URL` refuses to start (exit 2, naming the variable and the holder's pid),
//! `check --repair` refuses the same way, a plain `check` runs without storing, `report`
//! runs as usual, and a holder killed with SIGKILL frees the database for the next.

use std::time::Duration;

use spacewarden::domain::SpaceId;

use crate::support::app::{App, Run};
use crate::support::fake_hub::{FakeHub, SpaceSpec};

/// A daemon that never checks by itself (a yearly schedule): whatever the store holds
/// afterwards was stored by someone else.
fn app(hub: &FakeHub) -> App {
    hub.add_user("alice", "hf_alice");
    hub.add_space(SpaceSpec::new("alice/app"));
    App::new(hub)
        .env("SPACES", "alice/app")
        .env("HF_TOKEN", "hf_alice")
        .env("CHECK_SCHEDULE", "0 0 1 1 *")
        .env("RUST_LOG", "info")
}

/// A run that must end by itself; a daemon that starts instead of refusing would not.
async fn ends(app: &App, args: &[&str]) -> Run {
    tokio::time::timeout(Duration::from_secs(60), app.run(args))
        .await
        .unwrap_or_else(|_| panic!("`spacewarden {}` did not end", args.join(" ")))
}

#[tokio::test]
async fn a_second_acting_process_on_one_sqlite_file_is_refused() {
    let hub = FakeHub::start().await;
    let app = app(&hub);
    let mut first = app.spawn(&["run"]);
    first
        .wait_for("HTTP server listening", Duration::from_secs(30))
        .await;
    let holder = format!("pid {}", first.pid());

    let second = ends(&app, &["run"]).await;
    assert_eq!(second.code, 2, "stderr:\n{}", second.stderr);
    assert!(second.stderr.contains("DATABASE_URL"), "{}", second.stderr);
    assert!(second.stderr.contains(&holder), "{}", second.stderr);
    assert!(second.stderr.contains("on host "), "{}", second.stderr);

    let repair = ends(&app, &["check", "--repair", "--json"]).await;
    assert_eq!(repair.code, 2, "stderr:\n{}", repair.stderr);
    assert!(repair.stderr.contains("DATABASE_URL"), "{}", repair.stderr);
    assert!(repair.stderr.contains(&holder), "{}", repair.stderr);
    assert_eq!(hub.count("POST", "/restart"), 0);

    // Beside the daemon, a check reports and stores nothing (the daemon sees every
    // change first), and says so.
    let check = ends(&app, &["check", "--json"]).await;
    assert_eq!(check.code, 0, "stderr:\n{}", check.stderr);
    assert_eq!(check.row("alice/app")["verdict"], "up");
    assert!(check.stderr.contains("not stored"), "{}", check.stderr);
    let store = app.store().await;
    let space = SpaceId::parse("alice/app").unwrap();
    assert!(
        store.space_state(&space).await.unwrap().is_none(),
        "the check beside the daemon was stored"
    );

    let report = ends(&app, &["report", "--out", "site"]).await;
    assert_eq!(report.code, 0, "stderr:\n{}", report.stderr);

    // A crashed holder frees the database: the kernel drops its lock.
    first.kill().await;
    let mut next = app.spawn(&["run"]);
    next.wait_for("HTTP server listening", Duration::from_secs(30))
        .await;
    assert!(!next.output().contains("in use"), "{}", next.output());
    assert_eq!(next.terminate(Duration::from_secs(30)).await, Some(0));

    // With no daemon, a check stores its cycle as before.
    let alone = ends(&app, &["check", "--json"]).await;
    assert_eq!(alone.code, 0, "stderr:\n{}", alone.stderr);
    assert!(!alone.stderr.contains("not stored"), "{}", alone.stderr);
    // A fresh handle: this one memoizes reads until its own next write.
    let fresh = app.store().await;
    assert!(fresh.space_state(&space).await.unwrap().is_some());
}
