use super::*;

fn zh() -> Lang {
    Lang::exact("zh-CN").unwrap()
}

/// Every reason this version writes, as stored.
fn every_kind() -> Vec<Reason> {
    let probe = |r: Reason| Box::new(r);
    let mut all = vec![
        Reason::NoAnswerWithin("10.0".into()),
        Reason::ConnectionFailed,
        Reason::RequestFailed,
        Reason::BodyLate,
        Reason::BodyReadFailed,
        Reason::Status(503),
        Reason::KeywordMissing("ready".into()),
        Reason::NoAnswer,
        Reason::AppSilent,
        Reason::NoRuntimeYet,
        Reason::Still("BUILDING".into()),
        Reason::Now {
            stage: "RUNTIME_ERROR".into(),
            error: Some("Exit code: 1".into()),
        },
        Reason::Now {
            stage: "PAUSED".into(),
            error: None,
        },
        Reason::ServingBut {
            stage: "RUNNING".into(),
            probe: probe(Reason::Status(502)),
        },
        Reason::NotBackWithin {
            within: "1h 5m".into(),
            last: probe(Reason::ServingBut {
                stage: "RUNNING".into(),
                probe: probe(Reason::Status(503)),
            }),
        },
        Reason::NotBackWithin {
            within: "10m".into(),
            last: probe(Reason::Hub(HubTrouble::Unavailable)),
        },
        Reason::Hub(HubTrouble::RateLimited(30)),
        Reason::HubCall {
            trouble: HubTrouble::Rejected,
            reference: "0a1b2c3d".into(),
        },
        Reason::HubPaced(12),
    ];
    all.extend(TROUBLES.iter().map(|(t, ..)| Reason::Hub(*t)));
    all.extend((0..HUB_SAID.len()).map(|i| Reason::HubSaid(i, "the Hub's: words".into())));
    all
}

#[test]
fn every_stored_form_reads_back_and_reads_the_same_in_english() {
    for reason in every_kind() {
        let stored = reason.to_string();
        assert_eq!(Reason::parse(&stored), reason, "{stored}");
        // English shows what is stored, word for word (the en file mirrors Display).
        assert_eq!(reason_in(Lang::EN, &stored), stored);
        let chinese = reason_in(zh(), &stored);
        assert_ne!(chinese, stored, "no Chinese for {stored}");
    }
}

#[test]
fn the_words_the_probe_and_the_ladder_store_are_unchanged() {
    let cases = [
        (Reason::Status(503).to_string(), "app answered HTTP 503"),
        (
            Reason::NoAnswerWithin("2.5".into()).to_string(),
            "no answer within 2.5s",
        ),
        (
            Reason::NotBackWithin {
                within: "10m".into(),
                last: Box::new(Reason::ServingBut {
                    stage: "RUNNING".into(),
                    probe: Box::new(Reason::Status(503)),
                }),
            }
            .to_string(),
            "not back within 10m: RUNNING but app answered HTTP 503",
        ),
        (
            Reason::HubCall {
                trouble: HubTrouble::RateLimited(5),
                reference: "ab12".into(),
            }
            .to_string(),
            "the Hub is rate limiting us; retry in 5s (ref ab12)",
        ),
    ];
    for (made, stored) in cases {
        assert_eq!(made, stored);
    }
}

#[test]
fn chinese_keeps_outside_text_and_stage_names_as_they_came() {
    let stored = "not back within 1h 5m: now RUNTIME_ERROR: ImportError: <b>x</b>";
    assert_eq!(
        reason_in(zh(), stored),
        "1 小时 5 分钟内未恢复：现处于 RUNTIME_ERROR：ImportError: <b>x</b>"
    );
    assert_eq!(
        reason_in(
            zh(),
            "not back within 10m: RUNNING but app answered HTTP 503"
        ),
        "10 分钟内未恢复：RUNNING，但应用返回 HTTP 503"
    );
    let pieces = reason_pieces(zh(), "now RUNTIME_ERROR: Exit code: 1");
    assert_eq!(
        pieces,
        vec![
            Piece {
                text: "现处于 RUNTIME_ERROR：".into(),
                outside: false
            },
            Piece {
                text: "Exit code: 1".into(),
                outside: true
            },
        ]
    );
}

#[test]
fn other_words_are_shown_as_they_are_and_marked_outside() {
    for stored in [
        "Space failed to start. Exit code: 1",
        "app answered HTTP 99999",
        "still running fine",
        "not back within soon: app answered HTTP 503",
        "keyword \"a\" not in the reply but more",
        "",
    ] {
        assert_eq!(reason_in(zh(), stored), stored);
    }
    let pieces = reason_pieces(zh(), "Exit code: 1");
    assert!(pieces.iter().all(|p| p.outside), "{pieces:?}");
    // Text carrying the marks cannot close one early: it is not read as ours, and is
    // shown (and kept in English, e.g. a webhook's detail) byte for byte.
    let hostile = format!("now RUNTIME_ERROR: a{CLOSE}b{OPEN}c");
    assert_eq!(reason_in(zh(), &hostile), hostile);
    assert_eq!(reason_in(Lang::EN, &hostile), hostile);
    let pieces = reason_pieces(zh(), &hostile);
    assert_eq!(pieces.len(), 1, "{pieces:?}");
    assert!(pieces[0].outside && pieces[0].text == hostile);
}

#[test]
fn hub_errors_as_stored_read_back() {
    use crate::hub::HubError;
    let errors = [
        HubError::NotFound("x".into()),
        HubError::Unauthorized("x".into()),
        HubError::Forbidden("x".into()),
        HubError::BadRequest("x".into()),
        HubError::RateLimited {
            retry_after: std::time::Duration::from_secs(7),
        },
        HubError::Transient("x".into()),
        HubError::Decode("x".into()),
    ];
    for error in errors {
        for stored in [error.to_string(), error.summary()] {
            assert!(
                !matches!(Reason::parse(&stored), Reason::Other(_)),
                "{stored} is not read back"
            );
        }
    }
}
