//! The SSE parser: however the bytes are chunked, the same events (or the same
//! overflow) come out; what it holds stays within its cap; and below the cap it reads
//! exactly as the uncapped parser it replaced.
#![no_main]

use libfuzzer_sys::fuzz_target;
use spacewarden::fuzzing::{SseEvent, SseOverflow, SseParser};

// Input: one byte for a small cap (1-256 bytes, so fuzz-sized streams reach it), one
// byte that seeds where the stream is cut into chunks, then the stream.
fuzz_target!(|data: &[u8]| {
    let [limit, seed, body @ ..] = data else {
        return;
    };
    let limit = usize::from(*limit) + 1;
    let mut chunks = Vec::new();
    let mut rest = body;
    let mut state = u32::from(*seed) | 0x100;
    while !rest.is_empty() {
        // xorshift: cuts that differ with the seed but repeat for one input.
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let at = (state as usize % 17).min(rest.len());
        chunks.push(&rest[..at]);
        rest = &rest[at..];
    }

    let capped = |chunks: &[&[u8]]| feed(SseParser::with_limit(limit), chunks, Some(limit));
    let whole = capped(&[body]);
    let chunked = capped(&chunks);
    match (&whole, &chunked) {
        (Ok(a), Ok(b)) => assert_eq!(a, b),
        (Err(a), Err(b)) => assert_eq!(a, b),
        _ => panic!("one chunk: {whole:?}, chunked: {chunked:?}"),
    }
    // The default cap (1 MiB) is far above any fuzz input: the events are those of
    // the parser before the cap.
    let uncapped = feed(SseParser::default(), &chunks, None).expect("under 1 MiB");
    assert_eq!(uncapped, reference(body));
});

fn feed(
    mut parser: SseParser,
    chunks: &[&[u8]],
    cap: Option<usize>,
) -> Result<Vec<SseEvent>, SseOverflow> {
    let mut events = Vec::new();
    for chunk in chunks {
        events.extend(parser.push(chunk)?);
        if let Some(cap) = cap {
            assert!(
                parser.held() <= 3 * cap,
                "{} bytes held, cap {cap}",
                parser.held()
            );
        }
    }
    events.extend(parser.finish());
    Ok(events)
}

/// The parser as it was before the cap (commit 296d4d3), fed in one piece.
fn reference(body: &[u8]) -> Vec<SseEvent> {
    let mut event: Option<String> = None;
    let mut data: Vec<String> = Vec::new();
    let mut events = Vec::new();
    let mut dispatch = |event: &mut Option<String>, data: &mut Vec<String>| {
        let name = event.take();
        if !data.is_empty() {
            events.push(SseEvent {
                event: name.unwrap_or_else(|| "message".into()),
                data: std::mem::take(data).join("\n"),
            });
        }
    };
    let mut lines: Vec<&[u8]> = body.split(|b| *b == b'\n').collect();
    lines.pop(); // no newline after it: never read
    for line in lines {
        let line = String::from_utf8_lossy(line);
        let line = line.trim_end_matches(['\n', '\r']);
        if line.is_empty() {
            dispatch(&mut event, &mut data);
            continue;
        }
        if line.starts_with(':') {
            continue;
        }
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "event" => event = Some(value.to_owned()),
            "data" => data.push(value.to_owned()),
            _ => {}
        }
    }
    dispatch(&mut event, &mut data);
    events
}
