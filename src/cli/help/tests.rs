//! `--help` through message ids: English as clap wrote it, every id in every language,
//! nothing the derive declares left without a message, and the wrapping of Chinese.

use clap::CommandFactory;
use unicode_width::UnicodeWidthStr;

use super::*;
use crate::i18n::has_message;

/// What `spacewarden <args>` prints for help or version through `cmd`.
fn shown(cmd: Command, args: &[&str]) -> String {
    let argv = std::iter::once("spacewarden").chain(args.iter().copied());
    match cmd.try_get_matches_from(argv) {
        Ok(_) => panic!("{args:?} parsed"),
        Err(e) => e.render().to_string(),
    }
}

/// English `--help` is clap's own from the doc comments (what `cli::parse` shows
/// without loading the messages), and the en file's texts say the same, byte for byte.
#[test]
fn english_help_is_the_derives_byte_for_byte() {
    let mut cases: Vec<Vec<&str>> = vec![vec!["--help"], vec!["-h"], vec!["-V"], vec!["help"]];
    for (name, _) in COMMANDS {
        cases.push(vec![name, "--help"]);
        cases.push(vec!["help", name]);
    }
    for args in cases {
        assert_eq!(
            shown(command(Lang::EN), &args),
            shown(Cli::command(), &args),
            "{args:?}"
        );
    }
}

#[test]
fn every_id_the_help_uses_exists_in_every_language() {
    let ids = ["cli-help-about", "cli-help-environment"]
        .into_iter()
        .chain(COMMANDS.iter().map(|(_, id)| *id))
        .chain(ARGS.iter().map(|(_, _, id)| *id))
        .chain(VALUE_NAMES.iter().map(|(_, id)| *id))
        .chain(CHROME.iter().copied())
        .chain(super::super::usage_error::IDS.iter().copied());
    let mut missing = Vec::new();
    for id in ids {
        for lang in Lang::all() {
            if !has_message(lang, id) {
                missing.push(format!("{lang}: {id}"));
            }
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
}

/// A new subcommand or flag without a message would stay English in every language.
#[test]
fn every_subcommand_and_visible_argument_has_a_message() {
    let cli = Cli::command();
    for sub in cli.get_subcommands() {
        let name = sub.get_name();
        assert!(COMMANDS.iter().any(|(c, _)| *c == name), "{name}");
        for arg in sub.get_arguments().filter(|a| !a.is_hide_set()) {
            let id = arg.get_id().as_str();
            assert!(
                ARGS.iter().any(|(c, a, _)| *c == name && *a == id),
                "{name} {id}"
            );
        }
    }
}

#[test]
fn chinese_wraps_by_display_width_at_allowed_places() {
    let text =
        "每隔 CHECK_SCHEDULE 检查一次，修复故障（先重启，再恢复出厂重建），唤醒休眠的 Space。";
    let wrapped = wrap(text, 20);
    for line in wrapped.lines() {
        assert!(line.width() <= 20, "{line:?} in\n{wrapped}");
        assert!(
            !line.starts_with(['，', '。', '）']),
            "{line:?} starts with a closing mark"
        );
        assert!(!line.ends_with('（'), "{line:?} ends with an opening mark");
    }
    assert!(wrapped.contains("CHECK_SCHEDULE"), "{wrapped}");
    assert_eq!(wrapped.replace(['\n', ' '], ""), text.replace(' ', ""));
    assert_eq!(wrap("a few words", 100), "a few words");
}
