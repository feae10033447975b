//! `GET /api/spaces` (§3.2) and the query handling it shares with Space
//! info: repeated-key query parsing (§1.4), `expand` validation (repeated
//! keys and the comma form both accepted), visibility of private Spaces, and
//! cursor pagination through a `Link: <…>; rel="next"` header (§1.5).

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;

use super::render::{EXPAND_ALLOWED, INFO_DEFAULT, LIST_DEFAULT, SpaceJson, space_json};
use super::reply;
use super::state::Shared;

pub(crate) type Pairs = Vec<(String, String)>;

pub(crate) fn query_pairs(raw: Option<&str>) -> Pairs {
    url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

pub(crate) fn first<'a>(pairs: &'a Pairs, key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

pub(crate) fn auth(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
}

/// The requested `expand` properties, or None when there is no `expand`.
/// An unknown value is a 400, as on the Hub.
pub(crate) fn expand_fields(pairs: &Pairs) -> Result<Option<Vec<&'static str>>, Response> {
    let mut seen = false;
    let mut out: Vec<&'static str> = Vec::new();
    for (_, value) in pairs
        .iter()
        .filter(|(k, _)| k == "expand" || k == "expand[]")
    {
        seen = true;
        for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some(known) = EXPAND_ALLOWED.iter().find(|a| **a == part) else {
                return Err(reply::bad_request(&format!(
                    "Invalid expand value: '{part}'. Allowed values: {}",
                    EXPAND_ALLOWED.join(", ")
                )));
            };
            if !out.contains(known) {
                out.push(known);
            }
        }
    }
    Ok(seen.then_some(out))
}

/// Opaque to clients: hex of `o:<offset>`.
fn encode_cursor(offset: usize) -> String {
    format!("o:{offset}")
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn decode_cursor(cursor: &str) -> Option<usize> {
    if !cursor.len().is_multiple_of(2) || !cursor.is_ascii() {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..cursor.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&cursor[i..i + 2], 16).ok())
        .collect();
    String::from_utf8(bytes?)
        .ok()?
        .strip_prefix("o:")?
        .parse()
        .ok()
}

fn is_true(v: Option<&str>) -> bool {
    matches!(v, Some("true") | Some("1"))
}

pub(crate) async fn list(
    State(shared): State<Arc<Shared>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let pairs = query_pairs(raw.as_deref());
    let expand = match expand_fields(&pairs) {
        Ok(e) => e,
        Err(resp) => return resp,
    };
    let full = is_true(first(&pairs, "full"));
    // The Python client refuses this combination; the fake answers 400 so a
    // client that sends it anyway finds out in tests.
    if expand.is_some() && full {
        return reply::bad_request("Cannot use both 'expand' and 'full' parameters");
    }
    let limit = match first(&pairs, "limit").map(str::parse::<usize>) {
        None => None,
        Some(Ok(n)) if n > 0 => Some(n),
        Some(_) => {
            return reply::bad_request("Invalid 'limit' parameter: expected a positive integer");
        }
    };
    let offset = match first(&pairs, "cursor").map(decode_cursor) {
        None => 0,
        Some(Some(o)) => o,
        Some(None) => return reply::bad_request("Invalid cursor"),
    };
    let author = first(&pairs, "author").map(str::to_lowercase);
    let search = first(&pairs, "search").map(str::to_lowercase);
    let tag_filters: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == "filter")
        .map(|(_, v)| v.as_str())
        .collect();
    let fields: Vec<&str> = match (&expand, full) {
        (Some(e), _) => e.clone(),
        (None, true) => INFO_DEFAULT.to_vec(),
        (None, false) => LIST_DEFAULT.to_vec(),
    };

    let mut st = shared.lock();
    let caller = st.caller(auth(&headers));
    let page_size = limit.unwrap_or(st.page_size).min(st.page_size).max(1);
    // Private Spaces the caller may not see are simply absent, not an error.
    let visible: Vec<usize> = (0..st.spaces.len())
        .filter(|&i| {
            let s = &st.spaces[i];
            st.can_read(&caller, s)
                && author
                    .as_deref()
                    .is_none_or(|a| s.owner().to_lowercase() == a)
                && search
                    .as_deref()
                    .is_none_or(|q| s.id.to_lowercase().contains(q))
                && tag_filters
                    .iter()
                    .all(|t| s.sdk == *t || s.tags.iter().any(|x| x == t))
        })
        .collect();
    let end = offset.saturating_add(page_size).min(visible.len());
    let page = visible.get(offset..end).unwrap_or_default();
    let mut items: Vec<SpaceJson> = Vec::with_capacity(page.len());
    for &i in page {
        let space = &mut st.spaces[i];
        if fields.contains(&"runtime") {
            space.advance_on_read();
        }
        items.push(space_json(
            space,
            &fields,
            &shared.app_url(&space.subdomain),
        ));
    }
    let more = end < visible.len();
    drop(st);

    let mut resp = reply::json(StatusCode::OK, &items);
    if more {
        // The next URL repeats every parameter of this one (§1.5).
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs.iter().filter(|(k, _)| k != "cursor") {
            ser.append_pair(k, v);
        }
        ser.append_pair("cursor", &encode_cursor(end));
        let link = format!(
            "<{}/api/spaces?{}>; rel=\"next\"",
            shared.hub_url,
            ser.finish()
        );
        if let Ok(v) = HeaderValue::from_str(&link) {
            resp.headers_mut().insert(header::LINK, v);
        }
    }
    resp
}
