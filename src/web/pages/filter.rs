//! What the status page and an owner's page show of the watch list: the query
//! parameters (`?q=` a part of the name, `?verdict=` one verdict, `attention` or
//! `pending`, `?page=` from 1), read on the server so the filter works without a
//! script, and the links that keep them. Nothing here renders: `status` and `collapse`
//! do.

use serde::Deserialize;

use crate::domain::Verdict;
use crate::view::SpaceRow;

/// Above this many watched Spaces the live page collapses healthy owners to one line
/// each and pages long lists (`collapse`); at or below it the page is the whole list,
/// as it always was. 50 is where the full list stops fitting a screen or two and
/// where, with the 90-day bars, it passes about 50 KB.
pub(crate) const COLLAPSE_ABOVE: usize = 50;

/// Rows per page of a filtered list or an owner's page once the page collapses:
/// about 150 KB of HTML (20 KB gzipped) at most.
pub(crate) const PAGE_ROWS: usize = 200;

/// Owner lines per page of the collapsed front page (about 60 KB).
pub(crate) const OWNER_LINES: usize = 500;

/// Problem cards shown at most on the collapsed front page; the rest are one link
/// away (`?verdict=attention`).
pub(crate) const PROBLEM_CARDS: usize = 100;

/// The query string as sent; every field is optional and forgiving (a page number
/// that is not one reads as the first page, an unknown verdict as none).
#[derive(Debug, Default, Deserialize)]
pub(super) struct StatusQuery {
    pub q: Option<String>,
    pub verdict: Option<String>,
    pub page: Option<String>,
}

/// Which Spaces a verdict filter keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VerdictFilter {
    /// Those that need attention (`needs_attention`).
    Attention,
    /// Not checked yet.
    Pending,
    Is(Verdict),
}

impl VerdictFilter {
    fn parse(text: &str) -> Option<VerdictFilter> {
        match text.trim() {
            "attention" => Some(VerdictFilter::Attention),
            "pending" => Some(VerdictFilter::Pending),
            other => Verdict::parse(other).map(VerdictFilter::Is),
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            VerdictFilter::Attention => "attention",
            VerdictFilter::Pending => "pending",
            VerdictFilter::Is(verdict) => verdict.as_str(),
        }
    }
}

/// The filter in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Filter {
    /// `?q=`, trimmed; matched case-insensitively against `owner/name`.
    pub q: Option<String>,
    pub verdict: Option<VerdictFilter>,
    /// From 1.
    pub page: usize,
}

impl Default for Filter {
    fn default() -> Filter {
        Filter {
            q: None,
            verdict: None,
            page: 1,
        }
    }
}

impl Filter {
    pub(super) fn from_query(query: StatusQuery) -> Filter {
        Filter {
            q: query
                .q
                .map(|q| q.trim().to_owned())
                .filter(|q| !q.is_empty()),
            verdict: query.verdict.as_deref().and_then(VerdictFilter::parse),
            page: query
                .page
                .and_then(|p| p.trim().parse::<usize>().ok())
                .filter(|p| *p >= 1)
                .unwrap_or(1),
        }
    }

    /// Whether a name or verdict filter is set (a page number alone is none).
    pub(crate) fn narrows(&self) -> bool {
        self.q.is_some() || self.verdict.is_some()
    }

    pub(crate) fn keeps(&self, row: &SpaceRow) -> bool {
        let name = self
            .q
            .as_deref()
            .is_none_or(|q| row.id.key().contains(&q.to_ascii_lowercase()));
        name && self.verdict.is_none_or(|v| verdict_keeps(v, row))
    }

    /// The link to `path` with this filter, on page `page`, percent-encoded.
    pub(crate) fn link(&self, path: &str, page: usize) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        if let Some(q) = &self.q {
            query.append_pair("q", q);
        }
        if let Some(v) = self.verdict {
            query.append_pair("verdict", v.as_str());
        }
        if page > 1 {
            query.append_pair("page", &page.to_string());
        }
        let query = query.finish();
        if query.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{query}")
        }
    }
}

/// What the page calls a Space that needs attention: an open incident, or a verdict
/// that makes `check` exit 1.
pub(crate) fn needs_attention(row: &SpaceRow) -> bool {
    row.incident.is_some()
        || row
            .state
            .as_ref()
            .is_some_and(|s| s.verdict.needs_attention())
}

fn verdict_keeps(filter: VerdictFilter, row: &SpaceRow) -> bool {
    match filter {
        VerdictFilter::Attention => needs_attention(row),
        VerdictFilter::Pending => row.state.is_none(),
        VerdictFilter::Is(verdict) => row.state.as_ref().is_some_and(|s| s.verdict == verdict),
    }
}

/// The slice of `items` on page `page` (from 1) of `per` each, clamped to the last
/// page, with that page's number and the number of pages (at least 1).
pub(crate) fn page_of<T>(items: &[T], page: usize, per: usize) -> (&[T], usize, usize) {
    let pages = items.len().div_ceil(per).max(1);
    let page = page.clamp(1, pages);
    let start = (page - 1) * per;
    let end = (start + per).min(items.len());
    (&items[start.min(end)..end], page, pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(q: &str, verdict: &str, page: &str) -> Filter {
        let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        Filter::from_query(StatusQuery {
            q: some(q),
            verdict: some(verdict),
            page: some(page),
        })
    }

    #[test]
    fn the_query_is_read_forgivingly() {
        let f = query("  Alice ", "down", "3");
        assert_eq!(f.q.as_deref(), Some("Alice"));
        assert_eq!(f.verdict, Some(VerdictFilter::Is(Verdict::Down)));
        assert_eq!(f.page, 3);
        assert!(f.narrows());
        let f = query("   ", "nonsense", "x");
        assert_eq!(f, Filter::default());
        assert!(!f.narrows());
        let f = query("", "attention", "0");
        assert_eq!((f.verdict, f.page), (Some(VerdictFilter::Attention), 1));
    }

    #[test]
    fn links_keep_the_filter_encoded() {
        let f = query("a&b c", "broken_config", "");
        assert_eq!(f.link("/", 1), "/?q=a%26b+c&verdict=broken_config");
        assert_eq!(
            f.link("/owner/alice", 2),
            "/owner/alice?q=a%26b+c&verdict=broken_config&page=2"
        );
        assert_eq!(Filter::default().link("/", 1), "/");
    }

    #[test]
    fn pages_clamp_to_the_list() {
        let items: Vec<u32> = (0..450).collect();
        let (slice, page, pages) = page_of(&items, 1, 200);
        assert_eq!((slice.len(), slice[0], page, pages), (200, 0, 1, 3));
        let (slice, page, pages) = page_of(&items, 3, 200);
        assert_eq!((slice.len(), slice[0], page, pages), (50, 400, 3, 3));
        let (slice, page, _) = page_of(&items, 99, 200);
        assert_eq!((slice.len(), page), (50, 3));
        let (slice, page, pages) = page_of::<u32>(&[], 5, 200);
        assert_eq!((slice.len(), page, pages), (0, 1, 1));
    }
}
