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
    /// The message `id` (a literal: `i18n::tests::every_id_the_code_names_exists` finds every
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
}
