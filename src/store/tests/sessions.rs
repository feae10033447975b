//! `sessions`: the page's sign-ins, their idle time, and one flash message each,
//! taken once.

use chrono::{DateTime, Utc};

use super::{at, minutes};
use crate::store::{Flash, SessionRow};

fn session(id_hash: &str, user: &str, when: DateTime<Utc>) -> SessionRow {
    SessionRow {
        id_hash: id_hash.into(),
        username: user.into(),
        csrf: format!("csrf-{id_hash}"),
        created_ms: when.timestamp_millis(),
        seen_ms: when.timestamp_millis(),
        credential: Some("fp".into()),
        hf_user_id: None,
        role: None,
        expires_ms: None,
    }
}

#[tokio::test]
async fn a_session_lives_until_idle_or_ended() {
    for store in crate::store::test_stores().await {
        let t0 = at(22, 10, 0);
        store
            .create_session(&session("a", "ops", t0))
            .await
            .unwrap();
        store
            .create_session(&session("b", "dev", t0 - minutes(120)))
            .await
            .unwrap();
        assert!(
            store.create_session(&session("a", "x", t0)).await.is_err(),
            "ids are unique"
        );
        let a = store.session("a").await.unwrap().unwrap();
        assert_eq!((a.username.as_str(), a.csrf.as_str()), ("ops", "csrf-a"));
        assert_eq!((a.created_ms, a.seen()), (t0.timestamp_millis(), t0));
        assert!(store.session("c").await.unwrap().is_none());

        store.touch_session("b", t0 - minutes(30)).await.unwrap();
        assert_eq!(
            store.session("b").await.unwrap().unwrap().seen(),
            t0 - minutes(30)
        );
        assert_eq!(
            store
                .prune_sessions(t0 - minutes(60), t0 - minutes(600), t0, [Some("fp"), None])
                .await
                .unwrap(),
            0,
            "b was seen since"
        );
        assert_eq!(
            store
                .prune_sessions(t0 - minutes(10), t0 - minutes(600), t0, [Some("fp"), None])
                .await
                .unwrap(),
            1
        );
        assert!(store.session("b").await.unwrap().is_none());
        assert!(store.session("a").await.unwrap().is_some());

        store.end_session("a").await.unwrap();
        assert!(store.session("a").await.unwrap().is_none());
        store.end_session("a").await.unwrap();
    }
}

#[tokio::test]
async fn a_session_keeps_its_credential_and_ends_with_another_or_with_age() {
    for store in crate::store::test_stores().await {
        let t0 = at(22, 10, 0);
        let mut old = session("old", "ops", t0 - minutes(8 * 24 * 60));
        old.seen_ms = t0.timestamp_millis();
        store.create_session(&old).await.unwrap();
        let mut unbound = session("unbound", "ops", t0);
        unbound.credential = None;
        store.create_session(&unbound).await.unwrap();
        store
            .create_session(&session("now", "ops", t0))
            .await
            .unwrap();
        let mut other = session("other", "ops", t0);
        other.credential = Some("another".into());
        store.create_session(&other).await.unwrap();
        let read = |id: &'static str| {
            let store = store.clone();
            async move { store.session(id).await.unwrap().unwrap() }
        };
        assert_eq!(read("now").await.credential.as_deref(), Some("fp"));
        assert_eq!(read("unbound").await.credential, None, "null reads as none");
        assert_eq!(read("old").await.created(), t0 - minutes(8 * 24 * 60));
        assert_eq!(
            store
                .prune_sessions(
                    t0 - minutes(60),
                    t0 - minutes(7 * 24 * 60),
                    t0,
                    [Some("fp"), None]
                )
                .await
                .unwrap(),
            3,
            "too old, unbound, another credential"
        );
        assert!(store.session("now").await.unwrap().is_some());
        for gone in ["old", "unbound", "other"] {
            assert!(store.session(gone).await.unwrap().is_none(), "{gone}");
        }
    }
}

#[tokio::test]
async fn the_session_key_is_made_once_and_then_kept() {
    for store in crate::store::test_stores().await {
        let (one, two) = tokio::join!(store.session_key("first"), store.session_key("second"));
        let (one, two) = (one.unwrap(), two.unwrap());
        assert_eq!(one, two, "two starting at once agree");
        assert!(one == "first" || one == "second");
        assert_eq!(store.session_key("third").await.unwrap(), one, "kept");
    }
}

#[tokio::test]
async fn a_flash_is_shown_once_per_session() {
    for store in crate::store::test_stores().await {
        let t0 = at(22, 10, 0);
        store
            .create_session(&session("a", "ops", t0))
            .await
            .unwrap();
        store
            .create_session(&session("b", "ops", t0))
            .await
            .unwrap();
        assert_eq!(store.take_flash("a").await.unwrap(), None);
        assert_eq!(store.take_flash("nobody").await.unwrap(), None);

        let first = Flash {
            text: "Restarting alice/app".into(),
            kind: "warn".into(),
        };
        let second = Flash {
            text: "alice/app is back".into(),
            kind: "good".into(),
        };
        store.set_flash("a", &first).await.unwrap();
        store.set_flash("a", &second).await.unwrap();
        assert_eq!(
            store.take_flash("b").await.unwrap(),
            None,
            "another session's"
        );
        assert_eq!(
            store.take_flash("a").await.unwrap(),
            Some(second),
            "the latest"
        );
        assert_eq!(store.take_flash("a").await.unwrap(), None, "shown once");
        assert!(
            store.session("a").await.unwrap().is_some(),
            "the session stays"
        );
    }
}

#[tokio::test]
async fn two_tabs_loading_at_once_get_the_flash_once() {
    for store in crate::store::test_stores().await {
        store
            .create_session(&session("a", "ops", at(22, 10, 0)))
            .await
            .unwrap();
        let flash = Flash {
            text: "Paused bob/x".into(),
            kind: "info".into(),
        };
        store.set_flash("a", &flash).await.unwrap();
        let (one, two) = tokio::join!(store.take_flash("a"), store.take_flash("a"));
        let shown: Vec<Flash> = [one.unwrap(), two.unwrap()].into_iter().flatten().collect();
        assert_eq!(shown, [flash]);
    }
}
