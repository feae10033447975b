//! The frame around every page: head (our own stylesheet and scripts only), header
//! with sign-in or the signed-in user, the language switch and the theme toggle, the
//! flash message, footer. `<html lang>` is the page's language.
//! On a static site (`spacewarden report`, see `site`) the same frame carries no
//! scripts, no sign-in and no live figures.

use chrono::{DateTime, Utc};
use maud::{DOCTYPE, Markup, html};

use super::site::Site;
use super::ui::Ui;
use crate::i18n::Lang;
use crate::store::Flash;
use crate::t;
use crate::web::auth::Session;

/// Who is looking, which decides what a live page offers.
#[derive(Debug, Clone)]
pub(crate) enum Viewer {
    /// Someone not signed in; `sign_in` says whether the page offers it.
    Visitor {
        sign_in: bool,
    },
    SignedIn(Session),
}

/// One page's frame.
pub(crate) struct Frame<'a> {
    pub ui: &'a Ui,
    pub site: Site,
    pub title: &'a str,
    pub now: DateTime<Utc>,
    pub viewer: &'a Viewer,
    pub flash: Option<&'a Flash>,
    /// Reload after this many seconds (an action is running; no script needed).
    pub refresh: Option<u32>,
}

impl<'a> Frame<'a> {
    pub(crate) fn new(
        ui: &'a Ui,
        site: Site,
        title: &'a str,
        now: DateTime<Utc>,
        viewer: &'a Viewer,
    ) -> Frame<'a> {
        Frame {
            ui,
            site,
            title,
            now,
            viewer,
            flash: None,
            refresh: None,
        }
    }
}

fn account(ui: &Ui, viewer: &Viewer) -> Markup {
    html! {
        @match viewer {
            Viewer::SignedIn(session) => {
                form.account method="post" action="/logout" {
                    @let (name, role) = session.display();
                    @let role = if role == "viewer" { ui.t("header-role-viewer") } else { ui.t("header-role-admin") };
                    span.who { (ui.t("header-signed-in-as")) " " strong { (name) } " (" (role) ")" }
                    input type="hidden" name="csrf" value=(session.csrf);
                    button.link type="submit" { (ui.t("header-sign-out")) }
                }
            }
            Viewer::Visitor { sign_in: true } => { a.account href="/login" { (ui.t("header-sign-in")) } }
            Viewer::Visitor { sign_in: false } => {}
        }
    }
}

/// One link per language, each named in its own language; the current one is not a
/// link. A plain link to `/lang`, which sets the cookie and comes back: no script.
fn lang_switch(ui: &Ui) -> Markup {
    let Some(here) = ui.here.as_deref() else {
        return html! {};
    };
    let next: String = url::form_urlencoded::byte_serialize(here.as_bytes()).collect();
    html! {
        nav.lang aria-label=(ui.t("header-language")) {
            @for lang in Lang::all() {
                @if lang == ui.lang {
                    span.current lang=(lang.tag()) aria-current="true" { (t!(lang, "lang-name")) }
                } @else {
                    a href={ "/lang?set=" (lang.tag()) "&next=" (next) } lang=(lang.tag()) hreflang=(lang.tag()) {
                        (t!(lang, "lang-name"))
                    }
                }
            }
        }
    }
}

/// The theme button; `theme.js` swaps its text from the labels it carries.
fn theme_toggle(ui: &Ui) -> Markup {
    let system = ui.t("theme-system");
    html! {
        button #theme-toggle type="button" aria-label=(t!(ui.lang, "theme-click", theme = system.clone()))
            data-label-system=(system) data-label-light=(ui.t("theme-light"))
            data-label-dark=(ui.t("theme-dark")) data-label-click=(t!(ui.lang, "theme-click", theme = "%s")) {
            (system)
        }
    }
}

pub(crate) fn page(frame: Frame<'_>, body: Markup) -> Markup {
    let live = frame.site.is_live();
    let ui = frame.ui;
    html! {
        (DOCTYPE)
        html lang=(ui.lang.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content="light dark";
                meta name="robots" content="noindex";
                @if let Some(seconds) = frame.refresh {
                    meta http-equiv="refresh" content=(seconds);
                }
                title { (frame.title) " · spacewarden" }
                // An empty icon: browsers stop asking for /favicon.ico.
                link rel="icon" href="data:,";
                (frame.site.head())
                @if live { script src="/assets/live.js" defer {} }
            }
            body {
                header.top {
                    a.brand href=(frame.site.home()) { "spacewarden" }
                    div.top-right {
                        @if live { (account(ui, frame.viewer)) }
                        @if live { (lang_switch(ui)) }
                        @if live { (theme_toggle(ui)) }
                    }
                }
                main {
                    @if let Some(flash) = frame.flash {
                        // The command core's reply: English until it speaks through
                        // message ids (the language test skips it until then).
                        div class={ "flash flash-" (flash.kind) } role="status" { (flash.text) }
                    }
                    (body)
                }
                footer {
                    "spacewarden " (env!("CARGO_PKG_VERSION")) " · "
                    (ui.t(match (live, frame.viewer) {
                        (false, _) => "footer-static",
                        (true, Viewer::SignedIn(_)) => "footer-signed-in",
                        (true, Viewer::Visitor { .. }) => "footer-read-only",
                    }))
                    " · " (ui.t("footer-rendered")) " "
                    time datetime=(frame.now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)) {
                        (ui.absolute(frame.now))
                    }
                }
            }
        }
    }
}
