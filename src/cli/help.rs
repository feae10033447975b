//! `--help` in the reader's language. The derive (`Cli`) gives the commands, flags and
//! their order; this module gives every text a person reads from a message id: the
//! about line, each subcommand's and argument's help, the environment table. In
//! English the result is clap's own help byte for byte (a test compares the two), so
//! the doc comments stay the commands' source for the README.
//!
//! In any other language clap's fixed English goes too: the template's "Usage:", the
//! headings "Commands", "Arguments" and "Options" (each argument is given a heading),
//! the usage line's `[OPTIONS]` and placeholders, the built-in `--help`, `--version`
//! and `help`. What clap cannot translate: the colon it puts after each heading is
//! ASCII. Chinese has no spaces for clap to wrap at, so its texts are wrapped here
//! (by display width) and set on the line below their flag.

use clap::{Arg, Command, CommandFactory};
use unicode_width::UnicodeWidthChar;

use super::Cli;
use crate::i18n::Lang;
use crate::t;

/// Each subcommand's about line.
pub(super) const COMMANDS: &[(&str, &str)] = &[
    ("run", "cli-help-cmd-run"),
    ("check", "cli-help-cmd-check"),
    ("report", "cli-help-cmd-report"),
    ("restart", "cli-help-cmd-restart"),
    ("rebuild", "cli-help-cmd-rebuild"),
    ("healthcheck", "cli-help-cmd-healthcheck"),
    ("doctor", "cli-help-cmd-doctor"),
    ("hash-password", "cli-help-cmd-hash-password"),
    ("test-alert", "cli-help-cmd-test-alert"),
];

/// Each visible argument's help, as `(subcommand, argument id, message id)`, in the
/// order the derive declares them (the headings follow it).
pub(super) const ARGS: &[(&str, &str, &str)] = &[
    ("check", "json", "cli-help-arg-check-json"),
    ("check", "spaces", "cli-help-arg-check-space"),
    ("check", "repair", "cli-help-arg-check-repair"),
    ("check", "timeout", "cli-help-arg-check-timeout"),
    ("report", "out", "cli-help-arg-report-out"),
    ("report", "space_pages", "cli-help-arg-report-space-pages"),
    ("report", "lang", "cli-help-arg-report-lang"),
    ("restart", "space", "cli-help-arg-action-space"),
    ("restart", "timeout", "cli-help-arg-action-timeout"),
    ("rebuild", "space", "cli-help-arg-action-space"),
    ("rebuild", "timeout", "cli-help-arg-action-timeout"),
    (
        "test-alert",
        "destination",
        "cli-help-arg-test-alert-destination",
    ),
];

/// Placeholders in usage lines translated outside English. `OWNER/NAME` stays: it is
/// the format the argument takes.
pub(super) const VALUE_NAMES: &[(&str, &str)] = &[
    ("DURATION", "cli-help-value-duration"),
    ("DIR", "cli-help-value-dir"),
    ("TAG", "cli-help-value-tag"),
    ("DESTINATION", "cli-help-value-destination"),
];

/// clap's own words, given outside English (used as literals below; listed for the
/// test that every language has them).
#[cfg(test)]
pub(super) const CHROME: &[&str] = &[
    "cli-help-usage",
    "cli-help-heading-commands",
    "cli-help-heading-arguments",
    "cli-help-heading-options",
    "cli-help-value-command",
    "cli-help-value-options",
    "cli-help-flag-help",
    "cli-help-flag-version",
    "cli-help-cmd-help",
    "cli-help-arg-help-command",
];

/// The command line as `lang` shows it in `--help` and in the usage lines of clap's
/// errors. Built only when one of those is shown (`cli::parse`); in English it equals
/// the derive's (`english_help_is_the_derives_byte_for_byte`).
pub(super) fn command(lang: Lang) -> Command {
    let english = lang == Lang::EN;
    // Chinese is wrapped here; clap then only indents it (see `wrap`).
    let width = terminal_width();
    let text = |id: &str, indent: usize| {
        let text = t!(lang, id);
        if english {
            text
        } else {
            wrap(&text, width - indent)
        }
    };
    let cmd = Cli::command()
        .about(text("cli-help-about", 0))
        .after_help(t!(lang, "cli-help-environment"))
        .mut_subcommands(|sub| {
            let name = sub.get_name().to_owned();
            let about = COMMANDS.iter().find(|(c, _)| *c == name);
            let sub = match about {
                Some((_, id)) => sub.about(text(id, NEXT_LINE)),
                None => sub,
            };
            sub.mut_args(|arg| {
                match ARGS
                    .iter()
                    .find(|(c, a, _)| *c == name && arg.get_id() == *a)
                {
                    Some((_, _, id)) => arg.help(text(id, NEXT_LINE)),
                    None => arg,
                }
            })
        });
    if english {
        return cmd;
    }
    chrome(cmd, lang, width)
}

/// Where clap starts a help text set on the line below its flag (`next_line_help`).
const NEXT_LINE: usize = 10;

/// The width clap wraps help to: the terminal's, else `COLUMNS`, else 100 (as under a
/// pipe), as clap finds it.
fn terminal_width() -> usize {
    terminal_size::terminal_size()
        .map(|(w, _)| usize::from(w.0))
        .or_else(|| {
            std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.trim().parse::<usize>().ok())
        })
        .filter(|&c| c > NEXT_LINE + 20)
        .unwrap_or(100)
}

/// A label followed by what it labels: "Usage: x", but "用法：x" (a full-width colon
/// is its own space).
pub(super) fn label(text: &str) -> String {
    if text.chars().last().is_some_and(|c| c.width() == Some(2)) {
        text.to_owned()
    } else {
        format!("{text} ")
    }
}

/// Headings, placeholders, the template and the built-in flags in `lang`.
fn chrome(cmd: Command, lang: Lang, width: usize) -> Command {
    let usage = label(&t!(lang, "cli-help-usage"));
    let template = format!(
        "{{before-help}}{{about-with-newline}}\n{usage}{{usage}}\n\n{{all-args}}{{after-help}}"
    );
    let bin = std::env::args_os()
        .next()
        .and_then(|a| {
            std::path::Path::new(&a)
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "spacewarden".to_owned());
    let words = Words::new(lang);
    let mut cmd = headings(cmd.bin_name(bin), &words, &template, width);
    // The `help` subcommand and the `--help`/`--version` flags exist once built.
    cmd.build();
    let cmd = builtins(cmd, lang, &words);
    usages(cmd, lang)
}

/// clap's `&'static str` settings (headings, placeholders) in one language: clap takes
/// owned strings only with its `string` feature, so these are leaked, a handful of
/// short strings once per process before it parses its arguments.
struct Words {
    arguments: &'static str,
    options: &'static str,
    commands: &'static str,
    command: &'static str,
    /// `VALUE_NAMES`, translated.
    values: Vec<(&'static str, &'static str)>,
}

impl Words {
    fn new(lang: Lang) -> Words {
        let word = |id: &str| -> &'static str { Box::leak(t!(lang, id).into_boxed_str()) };
        Words {
            arguments: word("cli-help-heading-arguments"),
            options: word("cli-help-heading-options"),
            commands: word("cli-help-heading-commands"),
            command: word("cli-help-value-command"),
            values: VALUE_NAMES
                .iter()
                .map(|&(name, id)| (name, word(id)))
                .collect(),
        }
    }
}

/// Every command's template, headings and placeholders (before the build, so the
/// `help` subcommand's copies of the tree take them too).
fn headings(cmd: Command, words: &Words, template: &str, width: usize) -> Command {
    cmd.help_template(template.to_owned())
        .subcommand_help_heading(words.commands)
        .subcommand_value_name(words.command)
        .next_line_help(true)
        .term_width(width)
        .mut_args(|arg| {
            let heading = if arg.is_positional() {
                words.arguments
            } else {
                words.options
            };
            value_name(arg.help_heading(heading), words)
        })
        .mut_subcommands(|sub| headings(sub, words, template, width))
}

fn value_name(arg: Arg, words: &Words) -> Arg {
    let Some(name) = arg.get_value_names().and_then(|n| n.first()) else {
        return arg;
    };
    match words.values.iter().find(|(n, _)| name.as_str() == *n) {
        Some(&(_, translated)) => arg.value_name(translated),
        None => arg,
    }
}

/// The built-in `--help`, `--version` and `help`, in every command of the built tree.
fn builtins(mut cmd: Command, lang: Lang, words: &Words) -> Command {
    let options = words.options;
    let has = |cmd: &Command, id: &str| cmd.get_arguments().any(|a| a.get_id() == id);
    if has(&cmd, "help") {
        let help = t!(lang, "cli-help-flag-help");
        cmd = cmd.mut_arg("help", |a| {
            let a = a.help(help.clone()).help_heading(options);
            if a.get_long_help().is_some() {
                a.long_help(help)
            } else {
                a
            }
        });
    }
    if has(&cmd, "version") {
        let version = t!(lang, "cli-help-flag-version");
        cmd = cmd.mut_arg("version", |a| a.help(version).help_heading(options));
    }
    if cmd.get_name() == "help" {
        cmd = cmd.about(t!(lang, "cli-help-cmd-help"));
        if has(&cmd, "subcommand") {
            let (name, heading) = (words.command, words.arguments);
            let help = t!(lang, "cli-help-arg-help-command");
            cmd = cmd.mut_arg("subcommand", |a| {
                a.help(help).value_name(name).help_heading(heading)
            });
        }
    }
    cmd.mut_subcommands(|sub| builtins(sub, lang, words))
}

/// Each command's usage line as clap writes it, with `[OPTIONS]` translated (clap
/// writes that word itself) and without the "Usage:" the template now gives.
fn usages(mut cmd: Command, lang: Lang) -> Command {
    let rendered = cmd.render_usage().to_string();
    let line = rendered
        .split_once(' ')
        .map_or(rendered.as_str(), |(_, rest)| rest)
        .replace(
            "[OPTIONS]",
            &format!("[{}]", t!(lang, "cli-help-value-options")),
        );
    cmd.override_usage(line)
        .mut_subcommands(|sub| usages(sub, lang))
}

mod wrap;

use wrap::wrap;

#[cfg(test)]
mod tests;
