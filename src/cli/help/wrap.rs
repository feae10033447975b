//! Wrapping for languages written without spaces: clap breaks help text at spaces only
//! and counts characters, not columns, so Chinese is broken into lines here, by display
//! width (a CJK character is two columns), before clap indents it.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// `text` in lines of at most `width` display columns (a CJK character is two), broken
/// at spaces or between CJK characters, never inside a Latin word, before a closing
/// mark (，。） …) or after an opening one (（「 …).
pub(in crate::cli) fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    for (i, paragraph) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut line = String::new();
        for (spaced, unit) in units(paragraph) {
            let gap = usize::from(spaced && !line.is_empty());
            if !line.is_empty() && line.width() + gap + unit.width() > width {
                out.push_str(line.trim_end());
                out.push('\n');
                line.clear();
            } else if gap == 1 {
                line.push(' ');
            }
            line.push_str(&unit);
        }
        out.push_str(&line);
    }
    out
}

const CLOSING: &str = "，。、；：！？）」』”’》%,.;:!?)]'\"";
const OPENING: &str = "（「『“‘《([";

/// The unbreakable pieces of a line, each with whether a space came before it.
fn units(line: &str) -> Vec<(bool, String)> {
    let mut units: Vec<(bool, String)> = Vec::new();
    let mut spaced = false;
    // Whether the last unit may take the next character (a Latin word in progress, or
    // an opening mark waiting for what it opens).
    let mut open = false;
    for c in line.chars() {
        if c == ' ' {
            spaced = true;
            open = false;
            continue;
        }
        let wide = c.width() == Some(2);
        let joins = match units.last() {
            None => false,
            _ if spaced => false,
            _ if CLOSING.contains(c) => true,
            // A Latin word goes on; a CJK character joins only the opening mark before it.
            Some((_, last)) => open && (!wide || ends_opening(last)),
        };
        match units.last_mut() {
            Some((_, unit)) if joins => unit.push(c),
            _ => units.push((spaced, c.to_string())),
        }
        spaced = false;
        open = OPENING.contains(c) || (!wide && !CLOSING.contains(c));
    }
    units
}

fn ends_opening(unit: &str) -> bool {
    unit.chars().last().is_some_and(|c| OPENING.contains(c))
}
