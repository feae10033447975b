//! A small Server-Sent Events reader: bytes in, `(event, data)` pairs out.
//! Enough for the Hub's log stream (`data:` lines, empty keep-alives) and the
//! live-metrics stream (`event: metric` + `data:`, `: keep-alive` comments).

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` name, `message` when none was given.
    pub event: String,
    pub data: String,
}

/// Feeds on chunks as they arrive; lines may be split across chunks.
#[derive(Debug, Default)]
pub struct SseParser {
    buffer: Vec<u8>,
    event: Option<String>,
    data: Vec<String>,
}

impl SseParser {
    pub fn push(&mut self, chunk: &[u8]) -> Vec<SseEvent> {
        self.buffer.extend_from_slice(chunk);
        let mut events = Vec::new();
        while let Some(pos) = self.buffer.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = self.buffer.drain(..=pos).collect();
            let line = String::from_utf8_lossy(&line);
            let line = line.trim_end_matches(['\n', '\r']);
            if line.is_empty() {
                if let Some(event) = self.dispatch() {
                    events.push(event);
                }
                continue;
            }
            if line.starts_with(':') {
                continue; // a comment, e.g. `: keep-alive`
            }
            let (field, value) = line.split_once(':').unwrap_or((line, ""));
            let value = value.strip_prefix(' ').unwrap_or(value);
            match field {
                "event" => self.event = Some(value.to_owned()),
                "data" => self.data.push(value.to_owned()),
                _ => {} // id, retry: not needed here
            }
        }
        events
    }

    /// The event still being assembled when the stream closed without a blank line.
    pub fn finish(&mut self) -> Option<SseEvent> {
        self.dispatch()
    }

    fn dispatch(&mut self) -> Option<SseEvent> {
        let event = self.event.take();
        if self.data.is_empty() {
            return None;
        }
        let data = std::mem::take(&mut self.data).join("\n");
        Some(SseEvent {
            event: event.unwrap_or_else(|| "message".into()),
            data,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_events_split_across_chunks() {
        let mut parser = SseParser::default();
        let mut events = parser.push(b"event: metric\nda");
        events.extend(parser.push(b"ta: {\"cpu_usage_pct\":1}\n\n: keep-alive\n\n"));
        events.extend(parser.push(b"data: {\"data\":\"line\"}\r\n\r\ndata:\n\n"));
        assert_eq!(
            events,
            vec![
                SseEvent {
                    event: "metric".into(),
                    data: "{\"cpu_usage_pct\":1}".into()
                },
                SseEvent {
                    event: "message".into(),
                    data: "{\"data\":\"line\"}".into()
                },
                SseEvent {
                    event: "message".into(),
                    data: String::new()
                },
            ]
        );
    }

    #[test]
    fn finish_returns_a_trailing_event() {
        let mut parser = SseParser::default();
        assert!(parser.push(b"data: last").is_empty());
        assert!(parser.push(b"\n").is_empty());
        assert_eq!(parser.finish().map(|e| e.data), Some("last".into()));
    }
}
