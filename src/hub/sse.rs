//! A small Server-Sent Events reader: bytes in, `(event, data)` pairs out.
//! Enough for the Hub's log stream (`data:` lines, empty keep-alives) and the
//! live-metrics stream (`event: metric` + `data:`, `: keep-alive` comments).
//!
//! What it holds between chunks is capped: a line still waiting for its newline, and
//! the `data` of the event being assembled, may each grow to `MAX_BYTES`. A stream
//! past that is broken or hostile, and the parser says so (`SseOverflow`) instead of
//! buffering without end; the caller drops the stream.

/// The cap on one line and on one event's data. The Hub's events are a few hundred
/// bytes; a log line is cut by the Hub long before this.
pub const MAX_BYTES: usize = 1 << 20;

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` name, `message` when none was given.
    pub event: String,
    pub data: String,
}

/// Why the parser stopped: the stream went past the cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SseOverflow {
    #[error("a line longer than {0} bytes")]
    Line(usize),
    #[error("an event with more than {0} bytes of data")]
    Data(usize),
}

/// Feeds on chunks as they arrive; lines may be split across chunks anywhere, and
/// the events are the same however the bytes were chunked.
#[derive(Debug)]
pub struct SseParser {
    limit: usize,
    /// The line so far, without its newline.
    buffer: Vec<u8>,
    event: Option<String>,
    /// The `data` lines so far, joined with `\n`.
    data: String,
    has_data: bool,
    /// Once over the cap, every later call says so again.
    failed: Option<SseOverflow>,
}

impl Default for SseParser {
    fn default() -> Self {
        SseParser::with_limit(MAX_BYTES)
    }
}

impl SseParser {
    /// A parser with another cap than `MAX_BYTES` (tests and fuzzing use small ones).
    pub fn with_limit(limit: usize) -> SseParser {
        SseParser {
            limit,
            buffer: Vec::new(),
            event: None,
            data: String::new(),
            has_data: false,
            failed: None,
        }
    }

    /// The events completed by `chunk`, or the overflow that ends the stream.
    pub fn push(&mut self, chunk: &[u8]) -> Result<Vec<SseEvent>, SseOverflow> {
        let mut events = Vec::new();
        let mut rest = chunk;
        while !rest.is_empty() {
            if let Some(overflow) = self.failed {
                return Err(overflow);
            }
            let (piece, complete) = match rest.iter().position(|b| *b == b'\n') {
                Some(pos) => {
                    let piece = &rest[..pos];
                    rest = &rest[pos + 1..];
                    (piece, true)
                }
                None => (std::mem::take(&mut rest), false),
            };
            // Checked before appending, so the buffer never holds more than the cap.
            if self.buffer.len() + piece.len() > self.limit {
                return Err(self.fail(SseOverflow::Line(self.limit)));
            }
            self.buffer.extend_from_slice(piece);
            if complete {
                let line = std::mem::take(&mut self.buffer);
                if let Some(event) = self.line(&line)? {
                    events.push(event);
                }
                // Keep the allocation for the next line.
                self.buffer = line;
                self.buffer.clear();
            }
        }
        match self.failed {
            Some(overflow) => Err(overflow),
            None => Ok(events),
        }
    }

    /// The event still being assembled when the stream closed without a blank line.
    pub fn finish(&mut self) -> Option<SseEvent> {
        if self.failed.is_some() {
            return None;
        }
        self.dispatch()
    }

    /// Bytes held between calls: at most about three times the cap (line, data and
    /// event name).
    pub fn held(&self) -> usize {
        self.buffer.len() + self.data.len() + self.event.as_ref().map_or(0, String::len)
    }

    fn fail(&mut self, overflow: SseOverflow) -> SseOverflow {
        self.failed = Some(overflow);
        self.buffer = Vec::new();
        self.data = String::new();
        self.event = None;
        overflow
    }

    /// One complete line (without its `\n`).
    fn line(&mut self, line: &[u8]) -> Result<Option<SseEvent>, SseOverflow> {
        let line = String::from_utf8_lossy(line);
        // Invalid bytes widen to U+FFFD: check the cap again on the text.
        if line.len() > self.limit {
            return Err(self.fail(SseOverflow::Line(self.limit)));
        }
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            return Ok(self.dispatch());
        }
        if line.starts_with(':') {
            return Ok(None); // a comment, e.g. `: keep-alive`
        }
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "event" => self.event = Some(value.to_owned()),
            "data" => {
                let separator = usize::from(self.has_data);
                if self.data.len() + separator + value.len() > self.limit {
                    return Err(self.fail(SseOverflow::Data(self.limit)));
                }
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            _ => {} // id, retry: not needed here
        }
        Ok(None)
    }

    fn dispatch(&mut self) -> Option<SseEvent> {
        let event = self.event.take();
        if !std::mem::take(&mut self.has_data) {
            return None;
        }
        Some(SseEvent {
            event: event.unwrap_or_else(|| "message".into()),
            data: std::mem::take(&mut self.data),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_events_split_across_chunks() {
        let mut parser = SseParser::default();
        let mut events = parser.push(b"event: metric\nda").unwrap();
        events.extend(
            parser
                .push(b"ta: {\"cpu_usage_pct\":1}\n\n: keep-alive\n\n")
                .unwrap(),
        );
        events.extend(
            parser
                .push(b"data: {\"data\":\"line\"}\r\n\r\ndata:\n\n")
                .unwrap(),
        );
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
    fn joins_data_lines_with_newlines() {
        let mut parser = SseParser::default();
        let events = parser.push(b"data: a\ndata\ndata: b\n\n").unwrap();
        assert_eq!(events[0].data, "a\n\nb");
    }

    #[test]
    fn finish_returns_a_trailing_event() {
        let mut parser = SseParser::default();
        assert!(parser.push(b"data: last").unwrap().is_empty());
        assert!(parser.push(b"\n").unwrap().is_empty());
        assert_eq!(parser.finish().map(|e| e.data), Some("last".into()));
    }

    #[test]
    fn a_line_without_newline_stops_at_the_cap() {
        let mut parser = SseParser::default();
        let chunk = [b'x'; 64 * 1024];
        let mut sent = 0;
        let overflow = loop {
            match parser.push(&chunk) {
                Ok(events) => assert!(events.is_empty()),
                Err(overflow) => break overflow,
            }
            sent += chunk.len();
            assert!(parser.held() <= MAX_BYTES, "{} bytes held", parser.held());
            assert!(sent <= 2 * MAX_BYTES, "never stopped");
        };
        assert_eq!(overflow, SseOverflow::Line(MAX_BYTES));
        assert_eq!(sent, MAX_BYTES, "a line of exactly the cap is still read");
        assert_eq!(parser.held(), 0, "the buffer is released");
        assert_eq!(
            parser.push(b"\n\n"),
            Err(overflow),
            "the stream stays failed"
        );
        assert_eq!(parser.finish(), None);
    }

    #[test]
    fn an_event_of_endless_data_lines_stops_at_the_cap() {
        let mut parser = SseParser::with_limit(100);
        let mut overflow = None;
        for _ in 0..100 {
            if let Err(e) = parser.push(b"data: 0123456789\n") {
                overflow = Some(e);
                break;
            }
            assert!(parser.held() <= 100);
        }
        assert_eq!(overflow, Some(SseOverflow::Data(100)));
    }

    #[test]
    fn invalid_utf8_cannot_widen_past_the_cap() {
        // 40 invalid bytes fit a cap of 100 but become 120 bytes of U+FFFD.
        let mut line = b"event:".to_vec();
        line.extend([0xff; 40]);
        line.push(b'\n');
        let mut parser = SseParser::with_limit(100);
        assert_eq!(parser.push(&line), Err(SseOverflow::Line(100)));
    }
}
