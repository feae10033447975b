//! `actions`: ids from `RETURNING`, the pending → called → done life of a row, and
//! the per-Space reads, which match the id whatever its case.

use super::{action, at, id, minutes};
use crate::domain::{ActionActor, ActionKind, ActionState};
use crate::store::{ActionCount, Store};

/// Six actions, ids in order: alice/app restart (auto), Alice/App rebuild (auto),
/// alice/app restart (manual, incident 42), bob/x wake, alice/app pause (schedule),
/// alice/app wake (manual, failed); the first is done, the others open but the last.
async fn history(store: &Store) -> Vec<i64> {
    let (app, upper, bob) = (id("alice/app"), id("Alice/App"), id("bob/x"));
    let t0 = at(22, 10, 0);
    let mut manual = action(&app, "restart", "manual", t0 + minutes(10));
    manual.actor = ActionActor::parse("telegram:7");
    manual.incident_id = Some(42);
    let actions = [
        action(&app, "restart", "auto", t0),
        action(&upper, "rebuild", "auto", t0 + minutes(5)),
        manual,
        action(&bob, "wake", "keepalive", t0 + minutes(15)),
        action(&app, "pause", "schedule", t0 + minutes(20)),
        action(&app, "wake", "manual", t0 + minutes(25)),
    ];
    let mut ids = Vec::new();
    for new in &actions {
        ids.push(store.start_action(new).await.unwrap());
    }
    store
        .finish_action(ids[0], t0 + minutes(2), "recovered", Some("back up"))
        .await
        .unwrap();
    let mut tx = store.begin().await.unwrap();
    tx.finish_action(ids[5], t0 + minutes(26), "failed", None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    ids
}

#[tokio::test]
async fn an_action_goes_pending_called_done() {
    for store in crate::store::test_stores().await {
        let ids = history(&store).await;
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids ascend: {ids:?}");
        let open: Vec<i64> = store
            .unfinished_actions()
            .await
            .unwrap()
            .iter()
            .map(|a| a.id)
            .collect();
        assert_eq!(open, ids[1..5], "oldest first");

        store.mark_called(ids[1]).await.unwrap();
        store.mark_called(ids[0]).await.unwrap();
        let rows = store.actions(&id("alice/app"), 10).await.unwrap();
        let by_id = |n: i64| rows.iter().find(|a| a.id == n).unwrap().clone();
        assert_eq!(by_id(ids[1]).state, "called");
        let done = by_id(ids[0]);
        assert_eq!(
            done.state, "done",
            "a done action is never marked called again"
        );
        assert_eq!(done.result.as_deref(), Some("recovered"));
        assert_eq!(done.detail.as_deref(), Some("back up"));
        assert_eq!(
            (done.started(), done.finished()),
            (at(22, 10, 0), Some(at(22, 10, 2)))
        );
        assert_eq!(
            (done.kind.as_str(), done.trigger.as_str()),
            ("restart", "auto")
        );
        let manual = by_id(ids[2]);
        assert_eq!(
            (manual.actor.as_str(), manual.incident_id),
            ("telegram:7", Some(42))
        );
        assert_eq!(
            (
                manual.state.as_str(),
                manual.result.clone(),
                manual.finished()
            ),
            ("pending", None, None)
        );
        assert_eq!(by_id(ids[5]).result.as_deref(), Some("failed"));

        // A transaction dropped before its commit leaves no action behind (the store
        // closes its connection; skipped on SQLite, whose in-memory database lives in
        // its only connection).
        if store.backend() == crate::store::Backend::Postgres {
            let mut tx = store.begin().await.unwrap();
            tx.start_action(&action(&id("alice/app"), "restart", "auto", at(22, 13, 0)))
                .await
                .unwrap();
            drop(tx);
            assert_eq!(store.unfinished_actions().await.unwrap().len(), 4);
        }
    }
}

#[tokio::test]
async fn a_spaces_actions_match_its_id_in_any_case() {
    for store in crate::store::test_stores().await {
        let ids = history(&store).await;
        let t0 = at(22, 10, 0);
        let of = |rows: Vec<crate::store::ActionRow>| rows.iter().map(|a| a.id).collect::<Vec<_>>();
        let alice = [ids[5], ids[4], ids[2], ids[1], ids[0]];
        assert_eq!(
            of(store.actions(&id("ALICE/APP"), 10).await.unwrap()),
            alice
        );
        assert_eq!(
            of(store.actions(&id("Alice/App"), 2).await.unwrap()),
            alice[..2]
        );
        assert_eq!(
            of(store.recent_actions(t0 + minutes(10), 10).await.unwrap()),
            [ids[5], ids[4], ids[3], ids[2]]
        );
        assert_eq!(of(store.recent_actions(t0, 1).await.unwrap()), [ids[5]]);
        assert_eq!(
            of(store
                .actions_since(&id("alice/APP"), t0 + minutes(5), 10)
                .await
                .unwrap()),
            [ids[1], ids[2], ids[4], ids[5]],
            "oldest first"
        );
        assert_eq!(
            of(store.actions_since(&id("bob/x"), t0, 10).await.unwrap()),
            [ids[3]]
        );
        assert_eq!(
            store
                .auto_repairs_since(&id("ALICE/app"), t0)
                .await
                .unwrap(),
            [t0, t0 + minutes(5)],
            "automatic restarts and rebuilds only, both spellings"
        );
        assert_eq!(
            store
                .auto_repairs_since(&id("alice/app"), t0 + minutes(1))
                .await
                .unwrap(),
            [t0 + minutes(5)]
        );
    }
}

#[tokio::test]
async fn repair_history_and_switches_are_keyed_by_lowercase_id() {
    for store in crate::store::test_stores().await {
        history(&store).await;
        let t0 = at(22, 10, 0);
        let history = store.repair_history(t0).await.unwrap();
        let alice = &history["alice/app"];
        assert_eq!(alice.auto_repairs, [t0, t0 + minutes(5)]);
        assert_eq!(alice.scheduled_pauses, [t0 + minutes(20)]);
        assert_eq!(alice.wakes, [t0 + minutes(25)]);
        assert_eq!(history["bob/x"].wakes, [t0 + minutes(15)]);
        assert_eq!(history.len(), 2);
        let later = store.repair_history(t0 + minutes(6)).await.unwrap();
        assert!(later["alice/app"].auto_repairs.is_empty());

        // The failed wake is not a switch: alice/app's last is the pause.
        let switches = store.last_switches().await.unwrap();
        assert_eq!(switches["alice/app"], (ActionKind::Pause, t0 + minutes(20)));
        assert_eq!(switches["bob/x"], (ActionKind::Wake, t0 + minutes(15)));
        assert_eq!(switches.len(), 2);
        assert_eq!(
            store.last_switch_of(&id("ALICE/APP")).await.unwrap(),
            Some(ActionKind::Pause)
        );
        assert_eq!(
            store.last_switch_of(&id("bob/X")).await.unwrap(),
            Some(ActionKind::Wake)
        );
        assert_eq!(store.last_switch_of(&id("carol/y")).await.unwrap(), None);
    }
}

#[tokio::test]
async fn actions_are_counted_by_kind_and_outcome() {
    for store in crate::store::test_stores().await {
        assert!(store.action_counts().await.unwrap().is_empty());
        history(&store).await;
        let count = |kind: &str, result: &str| ActionCount {
            kind: kind.into(),
            result: result.into(),
            count: 1,
        };
        assert_eq!(
            store.action_counts().await.unwrap(),
            [
                count("pause", "in_progress"),
                count("rebuild", "in_progress"),
                count("restart", "in_progress"),
                count("restart", "recovered"),
                count("wake", "failed"),
                count("wake", "in_progress"),
            ]
        );
    }
}

/// Words another version wrote (a kind, trigger, actor and state this one does not
/// know) read back as they were stored, on both backends: the row is listed, never
/// dropped, and never mistaken for one of ours.
#[tokio::test]
async fn unknown_words_read_back_as_stored() {
    for store in crate::store::test_stores().await {
        let app = id("alice/app");
        let mut new = action(&app, "reboot", "keepalive", at(22, 10, 0));
        new.actor = ActionActor::parse("slack:U1");
        let other = store.start_action(&new).await.unwrap();
        let ours = store
            .start_action(&action(&app, "restart", "auto", at(22, 10, 1)))
            .await
            .unwrap();
        sqlx::query("UPDATE actions SET state = 'paused' WHERE id = $1")
            .bind(other)
            .execute(&store.pool)
            .await
            .unwrap();

        let rows = store.actions(&app, 10).await.unwrap();
        let words: Vec<(i64, String)> = rows
            .iter()
            .map(|a| {
                (
                    a.id,
                    format!("{} {} {} {}", a.kind, a.trigger, a.actor, a.state),
                )
            })
            .collect();
        assert_eq!(
            words,
            [
                (ours, "restart auto spacewarden pending".to_owned()),
                (other, "reboot keepalive slack:U1 paused".to_owned()),
            ]
        );
        assert_eq!(rows[1].kind, ActionKind::Other("reboot".into()));
        assert_eq!(rows[1].state, ActionState::Other("paused".into()));
        assert_eq!(rows[0].state, ActionState::Pending);
        let open: Vec<i64> = store
            .unfinished_actions()
            .await
            .unwrap()
            .iter()
            .map(|a| a.id)
            .collect();
        assert_eq!(open, [other, ours]);
    }
}
