//! Each startup line in English is its `Display`; in Chinese it keeps the variable.

use super::*;

fn samples() -> Vec<BuildError> {
    let held = || LockError::Held {
        url: "sqlite://x.db".into(),
        holder: "pid 1 on h".into(),
        path: "x.db.lock".into(),
    };
    let io = || std::io::Error::new(std::io::ErrorKind::AddrInUse, "in use");
    vec![
        BuildError::NothingToWatch { or_flag: None },
        BuildError::NothingToWatch {
            or_flag: Some("--space"),
        },
        BuildError::Locked {
            error: held(),
            advice: None,
        },
        BuildError::Locked {
            error: held(),
            advice: Some(Advice::CheckRepair),
        },
        BuildError::LockFile(LockError::Io {
            path: "x.db.lock".into(),
            source: io(),
        }),
        BuildError::LeaderActing {
            command: "restart",
            holder: "r1".into(),
            age_s: 3,
            advice: Advice::SpaceAction,
        },
        BuildError::Signal(io()),
        BuildError::Listen {
            port: 7860,
            source: io(),
        },
        BuildError::Store(StoreError::NotLeader {
            held: 2,
            current: 3,
        }),
    ]
}

/// What a person reads in English is what logs and scripts have always matched.
#[test]
fn the_english_line_is_the_display() {
    for error in samples() {
        assert_eq!(error.line_in(Lang::EN), error.to_string());
    }
}

#[test]
fn the_other_startup_lines_are_their_display_in_english() {
    let filter = crate::telemetry::LogInitError::Filter {
        text: "=x".into(),
        reason: "bad".into(),
    };
    let install = crate::telemetry::LogInitError::Install("taken".into());
    for e in [filter, install] {
        assert_eq!(e.line_in(Lang::EN), e.to_string());
    }
    let dotenv = crate::cli::DotenvError::Line(7);
    assert_eq!(dotenv.line_in(Lang::EN), dotenv.to_string());
}

/// In Chinese the variable stays, the sentence is Chinese.
#[test]
fn the_chinese_line_keeps_the_variable() {
    let zh = Lang::match_tag("zh-CN").unwrap();
    for error in samples() {
        let (en, line) = (error.to_string(), error.line_in(zh));
        assert_ne!(line, en);
        if let (Some(key), _) = error.parts() {
            assert!(line.starts_with(&format!("{key}: ")), "{line}");
        }
        assert!(
            line.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{line}"
        );
    }
}
