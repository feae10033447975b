//! Discord's answers as values: success bodies, the JSON error objects
//! (`{"message": ..., "code": ...}`, plus `errors` for 50035) with the exact
//! messages Discord uses, and the non-JSON bodies an outage produces.
//! Handlers build a `Reply`; the REST layer sends it with `into_response`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::ratelimit::Header;

pub(super) enum Body {
    Json(Value),
    Empty,
    Html(&'static str),
    Text(&'static str),
}

pub(super) struct Reply {
    pub status: StatusCode,
    pub body: Body,
    pub headers: Vec<Header>,
}

impl Reply {
    pub fn ok(body: Value) -> Reply {
        Reply::json(StatusCode::OK, body)
    }

    pub fn no_content() -> Reply {
        Reply {
            status: StatusCode::NO_CONTENT,
            body: Body::Empty,
            headers: Vec::new(),
        }
    }

    pub fn json(status: StatusCode, body: Value) -> Reply {
        Reply {
            status,
            body: Body::Json(body),
            headers: Vec::new(),
        }
    }

    fn error(status: u16, message: &str, code: u32) -> Reply {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        Reply::json(status, json!({ "message": message, "code": code }))
    }

    pub fn unauthorized() -> Reply {
        Reply::error(401, "401: Unauthorized", 0)
    }

    pub fn not_found_route() -> Reply {
        Reply::error(404, "404: Not Found", 0)
    }

    pub fn method_not_allowed() -> Reply {
        Reply::error(405, "405: Method Not Allowed", 0)
    }

    pub fn unknown_channel() -> Reply {
        Reply::error(404, "Unknown Channel", 10003)
    }

    pub fn unknown_message() -> Reply {
        Reply::error(404, "Unknown Message", 10008)
    }

    pub fn unknown_webhook() -> Reply {
        Reply::error(404, "Unknown Webhook", 10015)
    }

    pub fn unknown_interaction() -> Reply {
        Reply::error(404, "Unknown interaction", 10062)
    }

    pub fn unknown_application() -> Reply {
        Reply::error(404, "Unknown Application", 10002)
    }

    pub fn missing_access() -> Reply {
        Reply::error(403, "Missing Access", 50001)
    }

    pub fn missing_permissions() -> Reply {
        Reply::error(403, "Missing Permissions", 50013)
    }

    pub fn empty_message() -> Reply {
        Reply::error(400, "Cannot send an empty message", 50006)
    }

    pub fn cannot_edit_other_users_message() -> Reply {
        Reply::error(403, "Cannot edit a message authored by another user", 50005)
    }

    pub fn invalid_webhook_token() -> Reply {
        Reply::error(401, "Invalid Webhook Token", 50027)
    }

    pub fn already_acknowledged() -> Reply {
        Reply::error(400, "Interaction has already been acknowledged.", 40060)
    }

    /// The body of a JSON request that does not parse.
    pub fn bad_json() -> Reply {
        Reply::error(400, "The request body contains invalid JSON.", 50109)
    }

    /// 400 50035 with the `errors` tree built by `limits`.
    pub fn invalid_form(errors: Value) -> Reply {
        Reply::json(
            StatusCode::BAD_REQUEST,
            json!({ "message": "Invalid Form Body", "code": 50035, "errors": errors }),
        )
    }

    /// What sits in front of Discord when it is down or overloaded: a JSON
    /// 500 from the API itself, Cloudflare's HTML 502, Envoy's plain 503.
    pub fn server_error(status: u16) -> Reply {
        match status {
            502 => Reply {
                status: StatusCode::BAD_GATEWAY,
                body: Body::Html(CLOUDFLARE_502),
                headers: vec![("server", "cloudflare".to_string())],
            },
            503 => Reply {
                status: StatusCode::SERVICE_UNAVAILABLE,
                body: Body::Text(
                    "upstream connect error or disconnect/reset before headers. \
                     reset reason: connection termination",
                ),
                headers: Vec::new(),
            },
            other => Reply::error(other, "500: Internal Server Error", 0),
        }
    }

    pub fn with_headers(mut self, headers: Vec<Header>) -> Reply {
        self.headers.extend(headers);
        self
    }

    pub fn into_response(self) -> Response {
        let status = self.status;
        let mut resp = match self.body {
            Body::Json(v) => (status, axum::Json(v)).into_response(),
            Body::Empty => status.into_response(),
            Body::Html(s) => (status, [(header::CONTENT_TYPE, "text/html")], s).into_response(),
            Body::Text(s) => (status, [(header::CONTENT_TYPE, "text/plain")], s).into_response(),
        };
        for (name, value) in self.headers {
            if let Ok(v) = HeaderValue::from_str(&value) {
                resp.headers_mut().insert(name, v);
            }
        }
        resp
    }
}

const CLOUDFLARE_502: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n";

/// One entry of an `_errors` list.
pub(super) fn form_error(code: &str, message: impl Into<String>) -> Value {
    json!({ "code": code, "message": message.into() })
}
