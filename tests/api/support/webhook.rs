//! A webhook receiver for alert tests: records every JSON body it accepts, and
//! answers 500 while set down (a receiver having a bad day).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};

#[derive(Clone, Default)]
pub struct WebhookSink {
    received: Arc<Mutex<Vec<(Instant, serde_json::Value)>>>,
    down: Arc<AtomicBool>,
    refused: Arc<AtomicUsize>,
    url: Arc<Mutex<String>>,
}

impl WebhookSink {
    pub async fn start() -> WebhookSink {
        let sink = WebhookSink::default();
        let state = sink.clone();
        let app = Router::new().route(
            "/hook",
            post(move |Json(body): Json<serde_json::Value>| {
                let state = state.clone();
                async move {
                    if state.down.load(Ordering::SeqCst) {
                        state.refused.fetch_add(1, Ordering::SeqCst);
                        return StatusCode::INTERNAL_SERVER_ERROR;
                    }
                    state.received.lock().unwrap().push((Instant::now(), body));
                    StatusCode::NO_CONTENT
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        *sink.url.lock().unwrap() = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        sink
    }

    pub fn url(&self) -> String {
        self.url.lock().unwrap().clone()
    }

    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    pub fn refused(&self) -> usize {
        self.refused.load(Ordering::SeqCst)
    }

    pub fn received(&self) -> Vec<serde_json::Value> {
        self.arrivals().into_iter().map(|(_, body)| body).collect()
    }

    /// Every accepted body with the moment it arrived.
    pub fn arrivals(&self) -> Vec<(Instant, serde_json::Value)> {
        self.received.lock().unwrap().clone()
    }

    /// Every event received, as `kind space`, in order.
    pub fn events(&self) -> Vec<String> {
        self.received()
            .iter()
            .flat_map(|body| body["events"].as_array().cloned().unwrap_or_default())
            .map(|e| {
                format!(
                    "{} {}",
                    e["kind"].as_str().unwrap_or("?"),
                    e["space"].as_str().unwrap_or("?")
                )
            })
            .collect()
    }
}
