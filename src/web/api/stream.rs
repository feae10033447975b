//! Large JSON answers written as they are sent: `/api/v1/spaces` at 10,000 Spaces is
//! several MB, which `Json(...)` would build whole in one buffer per request (and the
//! gzip layer would hold a second). Here each chunk of `CHUNK` items is serialized
//! when the connection asks for it, so a request holds one chunk at a time. The bytes
//! are those `serde_json::to_vec` writes for the whole value.

use std::convert::Infallible;

use axum::body::{Body, Bytes};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use serde::Serialize;

/// Items serialized per chunk: about 40 KB of Space summaries.
const CHUNK: usize = 128;

/// `{"<field>":[item,item,...]}`, streamed. An item that cannot be serialized (none of
/// the DTOs can fail) is written as `null` and logged, rather than cutting the body.
pub(super) fn object_with_array<T, I>(field: &'static str, items: I) -> Response
where
    T: Serialize + Send + 'static,
    I: IntoIterator<Item = T>,
    I::IntoIter: Send + 'static,
{
    let mut items = items.into_iter().peekable();
    let mut first = true;
    let mut done = false;
    let chunks = std::iter::from_fn(move || {
        if done {
            return None;
        }
        let mut out = Vec::with_capacity(CHUNK * 320);
        if first {
            out.extend_from_slice(format!("{{\"{field}\":[").as_bytes());
        }
        for item in items.by_ref().take(CHUNK) {
            if !first {
                out.push(b',');
            }
            first = false;
            if let Err(e) = serde_json::to_writer(&mut out, &item) {
                tracing::error!(error = %e, "an API item could not be written");
                out.extend_from_slice(b"null");
            }
        }
        if items.peek().is_none() {
            out.extend_from_slice(b"]}");
            done = true;
        }
        Some(Ok::<_, Infallible>(Bytes::from(out)))
    });
    (
        [(CONTENT_TYPE, "application/json")],
        Body::from_stream(stream::iter(chunks)),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Whole {
        spaces: Vec<serde_json::Value>,
    }

    async fn streamed(n: usize) -> (Vec<u8>, Vec<u8>) {
        let items: Vec<serde_json::Value> = (0..n)
            .map(|i| serde_json::json!({"space": format!("o/s{i}"), "up": i % 2 == 0}))
            .collect();
        let whole = serde_json::to_vec(&Whole {
            spaces: items.clone(),
        })
        .unwrap();
        let body = object_with_array("spaces", items).into_body();
        let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
        (bytes.to_vec(), whole)
    }

    #[tokio::test]
    async fn the_stream_writes_what_serde_would() {
        for n in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5] {
            let (got, want) = streamed(n).await;
            assert_eq!(
                String::from_utf8(got).unwrap(),
                String::from_utf8(want).unwrap(),
                "{n} items"
            );
        }
    }
}
