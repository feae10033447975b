//! Where each setting came from: the older tools' names read as spacewarden's
//! (`read HF_API_TOKEN as HF_TOKEN`), aliases ignored because the native name is set,
//! the variable behind each watch-list entry, and the warnings found while reading.
//! Startup logs these once; `spacewarden doctor` prints them.
//!
//! [`Reader`] is the one way `from_lookup` reads a variable, so an alias cannot be
//! read without being recorded. Names only: no value is ever kept here.

use std::cell::RefCell;
use std::fmt;

use secrecy::SecretString;

use super::Sentence;
use crate::domain::WatchTarget;

/// One alias seen at startup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AliasUse {
    pub alias: &'static str,
    pub native: &'static str,
    /// The native name was set too (it wins), or the alias does not apply.
    pub ignored: bool,
}

impl AliasUse {
    /// The line for a person in any language (`Display` is the English one).
    pub fn sentence(&self) -> Sentence {
        let id = if self.ignored {
            Sentence::new("config-alias-ignored")
        } else {
            Sentence::new("config-alias-read")
        };
        id.text("alias", self.alias).text("native", self.native)
    }
}

impl fmt::Display for AliasUse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ignored {
            write!(
                f,
                "{} is ignored: {} is set and wins over it",
                self.alias, self.native
            )
        } else {
            write!(f, "read {} as {}", self.alias, self.native)
        }
    }
}

/// What reading the configuration found besides the values.
#[derive(Debug, Clone, Default)]
pub struct Origins {
    /// Each alias once, in the order read.
    pub aliases: Vec<AliasUse>,
    /// Each watch-list entry and the variable that named it first.
    pub watch: Vec<(WatchTarget, &'static str)>,
    /// The variable `HF_TOKEN`'s value came from (`HF_TOKEN` or `HF_API_TOKEN`).
    pub hf_token: Option<&'static str>,
    /// The variables of the page's user name and password, when sign-in is on.
    pub sign_in: Option<(&'static str, &'static str)>,
    /// Warnings found while reading (a lone `HF_USERNAME`, a typo of a known name).
    pub notes: Vec<Sentence>,
}

impl Origins {
    /// The variable that put `target` on the watch list.
    pub fn watch_source(&self, target: &WatchTarget) -> Option<&'static str> {
        self.watch
            .iter()
            .find(|(t, _)| t == target)
            .map(|(_, from)| *from)
    }
}

/// Reads variables (trimmed, empty as unset) and records the aliases it reads.
pub(super) struct Reader<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
    origins: RefCell<Origins>,
}

impl<'a> Reader<'a> {
    pub(super) fn new(lookup: &'a dyn Fn(&str) -> Option<String>) -> Reader<'a> {
        Reader {
            lookup,
            origins: RefCell::default(),
        }
    }

    pub(super) fn var(&self, key: &str) -> Option<String> {
        super::value((self.lookup)(key))
    }

    pub(super) fn secret(&self, key: &str) -> Option<SecretString> {
        self.var(key).map(SecretString::from)
    }

    /// `native` when it is set, else the first of `aliases` that is (recorded as read);
    /// every other alias that is set is recorded as ignored. The value and its variable.
    pub(super) fn aliased(
        &self,
        native: &'static str,
        aliases: &[&'static str],
    ) -> Option<(String, &'static str)> {
        let mut found = self.var(native).map(|v| (v, native));
        for alias in aliases {
            if self.var(alias).is_none() {
                continue;
            }
            match &found {
                Some(_) => self.alias(alias, native, true),
                None => {
                    self.alias(alias, native, false);
                    found = self.var(alias).map(|v| (v, *alias));
                }
            }
        }
        found
    }

    /// Records one alias, once.
    pub(super) fn alias(&self, alias: &'static str, native: &'static str, ignored: bool) {
        let used = AliasUse {
            alias,
            native,
            ignored,
        };
        let mut origins = self.origins.borrow_mut();
        if !origins.aliases.contains(&used) {
            origins.aliases.push(used);
        }
    }

    pub(super) fn note(&self, why: Sentence) {
        self.origins.borrow_mut().notes.push(why);
    }

    pub(super) fn with(&self, change: impl FnOnce(&mut Origins)) {
        change(&mut self.origins.borrow_mut());
    }

    pub(super) fn finish(self) -> Origins {
        self.origins.into_inner()
    }
}
