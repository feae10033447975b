//! Where a page is shown, and so how it links and styles itself: served by the
//! daemon (`/assets/…`, `/space/{owner}/{name}`, the theme script), or written by
//! `spacewarden report` as a file of a static site that may live below any path
//! (GitHub Pages serves a project at `/<repo>/`) or be opened from disk: stylesheet
//! inline, links relative to the page, no script at all (the theme follows the
//! system), and a policy in the page itself since no server sends one.

use maud::{Markup, PreEscaped, html};

use crate::domain::SpaceId;
use crate::web::assets::STYLE;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::web) enum Site {
    Live,
    /// A file `depth` folders below the site's root; `space_pages`: the site has a page
    /// per Space.
    Static {
        space_pages: bool,
        depth: usize,
    },
}

impl Site {
    pub fn is_live(self) -> bool {
        self == Site::Live
    }

    /// The front page.
    pub fn home(self) -> String {
        match self {
            Site::Live => "/".to_owned(),
            Site::Static { depth, .. } => format!("{}index.html", "../".repeat(depth)),
        }
    }

    /// A Space's page (`space` is an `owner/name` label), if this site has one.
    pub fn space_page(self, space: &str) -> Option<String> {
        match self {
            Site::Live => Some(format!("/space/{space}")),
            Site::Static {
                space_pages: true,
                depth,
            } => {
                let id = SpaceId::parse(space).ok()?;
                Some(format!("{}{}", "../".repeat(depth), space_file(&id)))
            }
            Site::Static { .. } => None,
        }
    }

    /// What goes into `<head>` for styles and scripts.
    pub fn head(self) -> Markup {
        match self {
            Site::Live => html! {
                link rel="stylesheet" href="/assets/style.css";
                script src="/assets/theme.js" {}
            },
            Site::Static { .. } => html! {
                meta http-equiv="Content-Security-Policy"
                    content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";
                // Our own stylesheet, compiled in: no outside text reaches it.
                style { (PreEscaped(STYLE)) }
            },
        }
    }
}

/// Where a static site keeps the page of `space`, from its root. Space ids are made of
/// `[A-Za-z0-9_.-]` without `..` (`SpaceId::parse`), so this stays inside the site;
/// lowercase, as the Hub resolves ids.
pub(in crate::web) fn space_file(space: &SpaceId) -> String {
    format!("space/{}.html", space.key())
}
