//! Two real `spacewarden run` processes on one Postgres database (DESIGN.md "Replicas
//! on Postgres"): exactly one acts; a restart asked of the follower's API happens once,
//! through a request row the leader carries out; `kill -9` of the leader in the middle
//! of a repair lets the follower take over, resume the repair by polling (no second
//! restart) and deliver every alert once. Skipped without a Postgres server, except in
//! CI.

use std::time::Duration;

use serde_json::Value;
use spacewarden::domain::SpaceId;

use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::postgres::fresh_database;
use crate::support::process::eventually;
use crate::support::replicas::{Replica, replica_app, roles};
use crate::support::web::API_KEY;
use crate::support::webhook::WebhookSink;

fn id(text: &str) -> SpaceId {
    SpaceId::parse(text).unwrap()
}

#[tokio::test]
async fn one_acts_and_a_restart_asked_of_the_follower_happens_once() {
    let Some(database) = fresh_database().await else {
        return;
    };
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    let app = replica_app(&hub, &database, "");
    let replicas = [Replica::start(&app).await, Replica::start(&app).await];
    let (leader, follower) = roles(&replicas[0], &replicas[1]).await;
    let (leader, follower) = (&replicas[leader], &replicas[follower]);

    // The leader checks; the follower runs no cycle of its own.
    let cycled = eventually(Duration::from_secs(20), async || {
        leader
            .metric("spacewarden_check_cycles_total")
            .await
            .is_some_and(|n| n >= 3.0)
    })
    .await;
    assert!(
        cycled,
        "the leader never checked: {:?}",
        reqwest::get(format!("{}/metrics", leader.base))
            .await
            .unwrap()
            .text()
            .await
    );
    assert_eq!(
        follower.metric("spacewarden_check_cycles_total").await,
        Some(0.0)
    );
    assert_eq!(
        follower.metric("spacewarden_replica_leader").await,
        Some(0.0)
    );
    assert_eq!(leader.metric("spacewarden_replica_leader").await, Some(1.0));
    let ready = follower.readyz().await.unwrap();
    assert_eq!(ready["status"], "ready", "{ready}");
    assert!(ready["leader"]["epoch"].as_i64().is_some(), "{ready}");

    let restart = reqwest::Client::new()
        .post(format!("{}/api/v1/spaces/alice/app/restart", follower.base))
        .bearer_auth(API_KEY)
        .send()
        .await
        .unwrap();
    let status = restart.status();
    let body: Value = restart.json().await.unwrap();
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["actor"], "api");
    let action_id = body["action_id"].as_i64().expect("an action id");

    let store = app.store().await;
    let done = eventually(Duration::from_secs(20), async || {
        store
            .actions(&id("alice/app"), 5)
            .await
            .unwrap()
            .iter()
            .any(|a| a.id == action_id && a.state == "done")
    })
    .await;
    assert!(
        done,
        "the restart never finished:\n{}",
        leader.process.output()
    );
    assert_eq!(
        hub.restarts("alice/app"),
        vec![false],
        "exactly one restart"
    );
    // The follower wrote the request; the leader carried it out and audited it.
    let request = store.request(1).await.unwrap().expect("a request row");
    assert_eq!(request.state, "done", "{request:?}");
    assert!(request.epoch.is_some_and(|e| e >= 1), "{request:?}");
    let audit = store.audit_log(10).await.unwrap();
    let restarts: Vec<_> = audit
        .iter()
        .filter(|row| row.command == "/restart alice/app")
        .collect();
    assert_eq!(restarts.len(), 1, "{audit:?}");
}

#[tokio::test]
async fn kill_9_of_the_leader_mid_repair_the_follower_resumes_by_polling() {
    let Some(database) = fresh_database().await else {
        return;
    };
    let hub = FakeHub::start().await;
    let mut slow_start = vec!["BUILDING"; 40];
    slow_start.push("RUNNING");
    hub.add_space(
        SpaceSpec::new("alice/app")
            .stage("RUNTIME_ERROR")
            .after_restart(slow_start),
    );
    let sink = WebhookSink::start().await;
    let app = replica_app(
        &hub,
        &database,
        "[repair]\npoll_interval = \"100ms\"\ntimeout = \"60s\"\n",
    )
    .env("ALERT_WEBHOOK_URL", &sink.url());
    let mut replicas = [Replica::start(&app).await, Replica::start(&app).await];
    let (leader, follower) = roles(&replicas[0], &replicas[1]).await;

    // The repair has called the Hub and is polling; the down alert has gone out.
    let store = app.store().await;
    let mid_repair = eventually(Duration::from_secs(20), async || {
        let called = store
            .actions(&id("alice/app"), 5)
            .await
            .unwrap()
            .first()
            .is_some_and(|a| a.state == "called");
        let delivered = store
            .outbox("webhook")
            .await
            .is_ok_and(|rows| !rows.is_empty() && rows.iter().all(|r| r.state == "sent"));
        called && delivered
    })
    .await;
    assert!(
        mid_repair,
        "no repair in flight:\n{}",
        replicas[leader].process.output()
    );
    let epoch_before = replicas[follower].readyz().await.unwrap()["leader"]["epoch"]
        .as_i64()
        .unwrap();
    replicas[leader].process.kill().await;

    let took_over = eventually(Duration::from_secs(15), async || {
        replicas[follower].role().await.as_deref() == Some("leader")
    })
    .await;
    assert!(
        took_over,
        "the follower did not take over within 15 s:\n{}",
        replicas[follower].process.output()
    );
    let recovered = eventually(Duration::from_secs(30), async || {
        store
            .actions(&id("alice/app"), 5)
            .await
            .unwrap()
            .first()
            .is_some_and(|a| a.state == "done" && a.result.as_deref() == Some("recovered"))
    })
    .await;
    assert!(
        recovered,
        "the repair was not resumed:\n{}",
        replicas[follower].process.output()
    );
    assert_eq!(hub.restarts("alice/app"), vec![false], "no second restart");
    let epoch_after = replicas[follower].readyz().await.unwrap()["epoch"]
        .as_i64()
        .unwrap();
    assert!(epoch_after > epoch_before, "{epoch_before} → {epoch_after}");

    // Every alert queued is delivered, and none twice.
    let all_sent = eventually(Duration::from_secs(20), async || {
        let rows = store.outbox("webhook").await.unwrap();
        rows.len() >= 2
            && rows.iter().all(|r| r.state == "sent")
            && sink.arrivals().len() == rows.len()
    })
    .await;
    let rows = store.outbox("webhook").await.unwrap();
    let arrivals = sink.arrivals();
    assert!(
        all_sent,
        "{} rows, {} arrivals: {:?}",
        rows.len(),
        arrivals.len(),
        sink.events()
    );
    let mut bodies: Vec<String> = arrivals.iter().map(|(_, body)| body.to_string()).collect();
    bodies.sort();
    bodies.dedup();
    assert_eq!(
        bodies.len(),
        arrivals.len(),
        "an alert arrived twice: {:?}",
        sink.events()
    );
}

#[tokio::test]
async fn a_leader_whose_session_drops_stops_acting_and_campaigns_again() {
    let Some(database) = fresh_database().await else {
        return;
    };
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    let app = replica_app(&hub, &database, "");
    let replica = Replica::start(&app).await;
    let mut first_epoch = None;
    let leads = eventually(Duration::from_secs(15), async || {
        first_epoch = replica.readyz().await.and_then(|r| r["epoch"].as_i64());
        first_epoch.is_some()
    })
    .await;
    assert!(leads, "never led:\n{}", replica.process.output());

    // The server ends the session that holds the leadership lock (as when the
    // connection drops): the replica must notice, stop acting, and win again.
    use sqlx::Connection;
    let mut admin = sqlx::PgConnection::connect(&database).await.unwrap();
    let ended: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_locks
         WHERE locktype = 'advisory' AND objid = 1398230084 AND granted
           AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
    )
    .fetch_all(&mut admin)
    .await
    .unwrap();
    assert_eq!(ended, vec![true]);
    let again = eventually(Duration::from_secs(15), async || {
        replica
            .readyz()
            .await
            .and_then(|r| r["epoch"].as_i64())
            .is_some_and(|epoch| Some(epoch) > first_epoch)
    })
    .await;
    let output = replica.process.output();
    assert!(again, "never led again:\n{output}");
    assert!(output.contains("leadership lost"), "{output}");
    assert!(output.contains("stopped the leader's parts"), "{output}");
}

#[tokio::test]
async fn a_one_shot_repair_is_refused_while_a_replica_leads() {
    let Some(database) = fresh_database().await else {
        return;
    };
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app").stage("RUNTIME_ERROR"));
    let app = replica_app(&hub, &database, "");
    let mut replica = Replica::start(&app).await;
    let leads = eventually(Duration::from_secs(15), async || {
        replica.role().await.as_deref() == Some("leader")
    })
    .await;
    assert!(leads, "never led:\n{}", replica.process.output());

    let refused = app.run(&["check", "--repair"]).await;
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("leads on this database"),
        "{}",
        refused.stderr
    );
    // A plain check only reads and records: allowed beside the leader.
    let plain = app.run(&["check"]).await;
    assert_ne!(plain.code, 2, "{}", plain.stderr);

    // Once no replica runs, the one-shot repair acts.
    replica.process.kill().await;
    let fresh = eventually(Duration::from_secs(30), async || {
        app.run(&["check", "--repair", "--timeout", "1s"])
            .await
            .code
            != 2
    })
    .await;
    assert!(fresh, "still refused after the leader died");
}
