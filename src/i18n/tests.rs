//! The locale files themselves: each parses, each has every id the others have, every
//! id the code names exists, and the tag mapping the issue asks for.

use super::*;

fn zh() -> Lang {
    Lang::exact("zh-CN").expect("locales/zh-CN/main.ftl")
}

#[test]
fn every_file_parses() {
    assert_eq!(parse_errors(), Vec::<(&str, String)>::new());
    assert!(Lang::all().count() >= 2);
}

/// A message id in one language and not in another fails here, naming both.
#[test]
fn every_language_has_every_id() {
    let all: std::collections::BTreeSet<String> = Lang::all().flat_map(message_ids).collect();
    let mut missing = Vec::new();
    for lang in Lang::all() {
        for id in &all {
            if !has_message(lang, id) {
                missing.push(format!("{lang}: {id}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "ids missing from a language: {missing:#?}"
    );
}

/// Every `t!(…, "id"…)`, `.t("id")` and `Sentence::new("id")` in the source names an
/// id of the English file (and so of every language, by the test above): a typo shows
/// here, not as a raw id on a page or in a startup error.
#[test]
fn every_id_the_code_names_exists() {
    // `t!(lang, "id"…)`, `ui.t("id")` on the pages, and the sentences of startup errors,
    // doctor and Space ids (`config::Sentence`), built before anyone knows the reader.
    let pattern =
        regex::Regex::new(r#"(?:\bt!\(\s*[^,]+,|\.t\(|\bSentence::new\()\s*"([a-z0-9-]+)""#)
            .unwrap();
    let mut unknown = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src"
    ))];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                // Doc comments show the macro with a placeholder id.
                let code: String = text
                    .lines()
                    .filter(|line| !line.trim_start().starts_with("//"))
                    .collect::<Vec<_>>()
                    .join("\n");
                for id in pattern.captures_iter(&code).map(|c| c[1].to_owned()) {
                    if !has_message(Lang::EN, &id) {
                        unknown.push(format!("{}: {id}", path.display()));
                    }
                }
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "ids not in locales/en/main.ftl: {unknown:#?}"
    );
}

#[test]
fn tags_map_as_the_issue_says() {
    for tag in [
        "zh",
        "zh-CN",
        "zh-cn",
        "zh-SG",
        "zh-Hans",
        "zh-Hans-CN",
        "zh-hans",
        "zh-TW",
        "zh-HK",
        "zh-Hant",
        "zh-Hant-TW",
    ] {
        assert_eq!(Lang::match_tag(tag), Some(zh()), "{tag}");
    }
    for tag in ["en", "en-US", "en-GB"] {
        assert_eq!(Lang::match_tag(tag), Some(Lang::EN), "{tag}");
    }
    for tag in ["fr", "de-DE", "", "*", "x"] {
        assert_eq!(Lang::match_tag(tag), None, "{tag}");
    }
    assert_eq!(Lang::from_posix("zh_CN.UTF-8"), Some(zh()));
    assert_eq!(Lang::from_posix("C.UTF-8"), None);
    assert_eq!(Lang::from_posix("en_GB@euro"), Some(Lang::EN));
}

#[test]
fn accept_language_takes_the_best_weight_with_a_file() {
    let pick = Lang::from_accept_language;
    assert_eq!(pick("zh-CN,zh;q=0.9,en;q=0.8"), Some(zh()));
    assert_eq!(pick("en;q=0.5, zh-TW;q=0.9"), Some(zh()));
    assert_eq!(pick("fr-FR, fr;q=0.9, en;q=0.8"), Some(Lang::EN));
    assert_eq!(pick("fr, de"), None);
    assert_eq!(pick("zh;q=0, en"), Some(Lang::EN));
    assert_eq!(pick(""), None);
}

#[test]
fn plurals_and_numbers_go_through_fluent() {
    assert_eq!(
        crate::t!(Lang::EN, "banner-attention", count = 1),
        "1 Space needs attention"
    );
    assert_eq!(
        crate::t!(Lang::EN, "banner-attention", count = 3),
        "3 Spaces need attention"
    );
    assert_eq!(
        crate::t!(zh(), "banner-attention", count = 1),
        "1 个 Space 需要处理"
    );
    // A missing id shows itself rather than nothing.
    assert_eq!(tr(Lang::EN, "no-such-id", None), "no-such-id");
}
