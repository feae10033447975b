//! The Fluent bundles, one per file of `locales/`, built once on first use. The files
//! are compiled in and every one is parsed by a test (`every_file_parses`), so building
//! them cannot fail in a shipped binary; if it ever did, the message id itself is
//! shown rather than nothing, and the failure is logged.

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use unic_langid::LanguageIdentifier;

include!(concat!(env!("OUT_DIR"), "/locales.rs"));

/// Fluent arguments, as `t!` builds them.
pub type Args<'a> = FluentArgs<'a>;

struct Entry {
    tag: &'static str,
    bundle: FluentBundle<FluentResource>,
    /// Every message id of the file, for the parity test.
    ids: Vec<String>,
}

static BUNDLES: LazyLock<Vec<Entry>> = LazyLock::new(|| SOURCES.iter().map(load).collect());

fn load(&(tag, source): &(&'static str, &'static str)) -> Entry {
    let resource =
        FluentResource::try_new(source.to_owned()).unwrap_or_else(|(partial, errors)| {
            tracing::error!(lang = tag, ?errors, "a locale file does not parse");
            partial
        });
    let ids = message_ids_of(&resource);
    let langid: LanguageIdentifier = tag.parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![langid]);
    // No bidi isolation marks around arguments: both languages run left to right, and
    // the marks would show in plain text (logs, terminals, alt text).
    bundle.set_use_isolating(false);
    if let Err(errors) = bundle.add_resource(resource) {
        tracing::error!(lang = tag, ?errors, "a locale file has duplicate ids");
    }
    Entry { tag, bundle, ids }
}

fn message_ids_of(resource: &FluentResource) -> Vec<String> {
    resource
        .entries()
        .filter_map(|entry| match entry {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
            _ => None,
        })
        .collect()
}

pub(super) fn count() -> usize {
    SOURCES.len()
}

pub(super) fn tag(index: usize) -> &'static str {
    SOURCES.get(index).map_or("en", |(tag, _)| tag)
}

/// The message `id` in `lang`, formatted with `args`; English when `lang`'s file lacks
/// it (the parity test keeps that from shipping), the id itself when both do.
pub fn tr(lang: super::Lang, id: &str, args: Option<&FluentArgs<'_>>) -> String {
    let bundles = &*BUNDLES;
    let from = |index: usize| {
        let bundle = &bundles.get(index)?.bundle;
        let pattern = bundle.get_message(id)?.value()?;
        let mut errors = Vec::new();
        let text = bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned();
        if !errors.is_empty() {
            tracing::warn!(id, ?errors, "a message did not format cleanly");
        }
        Some(text)
    };
    from(lang.0 as usize)
        .or_else(|| from(0))
        .unwrap_or_else(|| {
            tracing::warn!(id, "no such message id");
            id.to_owned()
        })
}

/// Whether `lang`'s own file has `id`.
pub fn has_message(lang: super::Lang, id: &str) -> bool {
    BUNDLES
        .get(lang.0 as usize)
        .is_some_and(|entry| entry.bundle.has_message(id))
}

/// Every message id of `lang`'s file, in file order.
pub fn message_ids(lang: super::Lang) -> Vec<String> {
    BUNDLES
        .get(lang.0 as usize)
        .map(|entry| entry.ids.clone())
        .unwrap_or_default()
}

/// Each file's parse errors, as `(tag, error)`; empty when every file parses.
pub fn parse_errors() -> Vec<(&'static str, String)> {
    SOURCES
        .iter()
        .flat_map(
            |&(tag, source)| match FluentResource::try_new(source.to_owned()) {
                Ok(_) => Vec::new(),
                Err((_, errors)) => errors.iter().map(|e| (tag, format!("{e:?}"))).collect(),
            },
        )
        .chain(
            BUNDLES
                .iter()
                .filter(|e| e.ids.is_empty())
                .map(|e| (e.tag, "no messages".to_owned())),
        )
        .collect()
}
