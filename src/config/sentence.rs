//! A sentence for a person, kept as a message id and its arguments until it is
//! printed: a startup error is built before anyone knows who reads it, and the one
//! place that prints it (`BuildError::report`, doctor) picks the language. `Display`
//! is English, for logs and for the tests and scripts that match English.
//!
//! Values from outside (the user's bad value, an `io::Error`'s words) go in as text
//! arguments as they are, less control characters: a value echoed on a terminal must
//! not move the cursor or hide the line.

use std::fmt;

use crate::i18n::{FluentArgs, Lang, tr};

/// A message id and its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    id: &'static str,
    args: Vec<(&'static str, Arg)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Arg {
    Text(String),
    Number(i64),
    /// A part that is a sentence of its own (a cron problem inside a schedule error).
    Sentence(Box<Sentence>),
}

impl Sentence {
    /// The message `id` (a literal: `ids_in_the_code_exist` finds every
    /// `Sentence::new("…")` in the source and checks each language has it).
    pub fn new(id: &'static str) -> Sentence {
        Sentence {
            id,
            args: Vec::new(),
        }
    }

    /// Adds a text argument (a value, a variable name, an outside error's words).
    pub fn text(mut self, name: &'static str, value: impl fmt::Display) -> Sentence {
        self.args.push((name, Arg::Text(value.to_string())));
        self
    }

    /// Adds a number argument (Fluent picks plurals by it).
    pub fn number(mut self, name: &'static str, value: impl Into<i64>) -> Sentence {
        self.args.push((name, Arg::Number(value.into())));
        self
    }

    /// Adds a part that is itself a sentence, rendered in the same language.
    pub fn part(mut self, name: &'static str, part: Sentence) -> Sentence {
        self.args.push((name, Arg::Sentence(Box::new(part))));
        self
    }

    /// The message id.
    pub fn id(&self) -> &'static str {
        self.id
    }

    /// The sentence in `lang`.
    pub fn in_lang(&self, lang: Lang) -> String {
        let mut args = FluentArgs::new();
        for (name, arg) in &self.args {
            match arg {
                Arg::Text(text) => args.set(*name, without_controls(text)),
                Arg::Number(n) => args.set(*name, *n),
                Arg::Sentence(part) => args.set(*name, part.in_lang(lang)),
            }
        }
        tr(lang, self.id, Some(&args))
    }
}

impl fmt::Display for Sentence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.in_lang(Lang::EN))
    }
}

/// `text` on one line: each control character (newline, escape, …) becomes a space.
pub fn without_controls(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_loses_its_control_characters_in_every_language() {
        let sentence = Sentence::new("config-not-a-port").text("value", "80\x1b[2J\n80");
        for lang in Lang::all() {
            let line = sentence.in_lang(lang);
            assert!(!line.chars().any(char::is_control), "{lang}: {line:?}");
            assert!(line.contains("80 [2J 80"), "{lang}: {line}");
        }
    }

    /// Every `Sentence::new("id")` in the source names an id that every language has:
    /// these are built at run time, where `i18n::tests` (which reads `t!`) cannot see.
    #[test]
    fn ids_in_the_code_exist_in_every_language() {
        let pattern = regex::Regex::new(r#"Sentence::new\(\s*"([a-z0-9-]+)""#).unwrap();
        let mut missing = Vec::new();
        let mut found = 0;
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
                    // Doc comments show the call with a placeholder id.
                    let code: String = text
                        .lines()
                        .filter(|line| !line.trim_start().starts_with("//"))
                        .collect::<Vec<_>>()
                        .join("\n");
                    for id in pattern.captures_iter(&code).map(|c| c[1].to_owned()) {
                        found += 1;
                        for lang in Lang::all() {
                            if !crate::i18n::has_message(lang, &id) {
                                missing.push(format!("{lang}: {id} ({})", path.display()));
                            }
                        }
                    }
                }
            }
        }
        assert!(found > 50, "the pattern finds the ids ({found})");
        assert!(missing.is_empty(), "ids missing: {missing:#?}");
    }
}
