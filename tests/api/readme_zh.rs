//! Issue 22: `README.zh-CN.md` translates `README.md`, and the two must not drift apart
//! silently. The rule is structural, so checking it needs no Chinese: the same headings at
//! the same levels in the same order, each pair showing the same inline code and anchors
//! (`SPACEWARDEN_LANG` stays `SPACEWARDEN_LANG` in either language). When a heading has no
//! counterpart, the sections are aligned by what a translation keeps verbatim (inline code
//! and code blocks) so the failure names that heading rather than the first one after it.
//! Both files link to each other, and every link in them leads into the repository.
//! Reads files only: no binary, no fakes.

use std::collections::HashMap;
use std::path::{Component, Path};

const EN: &str = "README.md";
const ZH: &str = "README.zh-CN.md";

fn read(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(name))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A heading outside code blocks, and what its section keeps verbatim in translation.
struct Section {
    line: usize,
    level: usize,
    title: String,
    /// The heading's own inline code and anchors: a pair must show the same.
    marks: Vec<String>,
    /// Inline code and code blocks of the body up to the next heading, each once, in the
    /// order they first appear.
    verbatim: Vec<String>,
    /// Prose read since the last code block: inline code may wrap across lines, so it is
    /// split out once the prose ends.
    prose: String,
}

impl Section {
    fn shown(&self) -> String {
        format!("{} {}", "#".repeat(self.level), self.title)
    }
}

/// An opening code fence: its character and length.
fn fence_open(line: &str) -> Option<(char, usize)> {
    let ch = line.chars().next().filter(|c| matches!(c, '`' | '~'))?;
    let len = line.chars().take_while(|&c| c == ch).count();
    (len >= 3).then_some((ch, len))
}

fn fence_closes(line: &str, (ch, len): (char, usize)) -> bool {
    let run = line.chars().take_while(|&c| c == ch).count();
    run >= len && line[run * ch.len_utf8()..].trim().is_empty()
}

/// `## Title` → (2, "Title"); indented by four or more it is code, not a heading.
fn heading(line: &str) -> Option<(usize, &str)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = &line[indent..];
    let level = rest.chars().take_while(|&c| c == '#').count();
    let title = &rest[level..];
    let ok = indent < 4 && (1..=6).contains(&level);
    (ok && (title.is_empty() || title.starts_with(' '))).then(|| (level, title.trim()))
}

/// The inline code spans of some Markdown, whitespace inside each collapsed (a
/// translation wraps lines differently).
fn code_spans(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(|span| span.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|span| !span.is_empty())
        .collect()
}

/// The heading's inline code, then any `id="…"`/`name="…"` anchors in it.
fn marks(title: &str) -> Vec<String> {
    let mut marks = code_spans(title);
    for attr in ["id=\"", "name=\""] {
        for part in title.split(attr).skip(1) {
            marks.push(part.split('"').next().unwrap_or_default().to_string());
        }
    }
    marks
}

fn remember(section: &mut Section, item: String) {
    if !section.verbatim.contains(&item) {
        section.verbatim.push(item);
    }
}

/// Moves the inline code of the prose read so far into `verbatim`, so that it keeps its
/// place before the code block that follows.
fn flush(section: Option<&mut Section>) {
    if let Some(section) = section {
        for span in code_spans(&std::mem::take(&mut section.prose)) {
            remember(section, span);
        }
    }
}

fn sections(text: &str) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    let mut fence = None;
    let mut block = String::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some(open) = fence {
            if fence_closes(trimmed, open) {
                fence = None;
                if let Some(section) = out.last_mut() {
                    remember(section, std::mem::take(&mut block));
                }
            } else {
                block.push_str(trimmed);
                block.push('\n');
            }
        } else if let Some(open) = fence_open(trimmed) {
            fence = Some(open);
            flush(out.last_mut());
        } else if let Some((level, title)) = heading(line) {
            flush(out.last_mut());
            out.push(Section {
                line: i + 1,
                level,
                title: title.to_string(),
                marks: marks(title),
                verbatim: Vec::new(),
                prose: String::new(),
            });
        } else if let Some(section) = out.last_mut() {
            section.prose.push_str(line);
            section.prose.push('\n');
        }
    }
    flush(out.last_mut());
    out
}

/// How alike two sections are, for the alignment; `None` when they cannot pair (levels
/// differ). The verbatim lists are cut to the shorter one's length: when a heading goes
/// missing its body joins the section before, and that section still begins as it did.
fn alike(en: &Section, zh: &Section) -> Option<i64> {
    if en.level != zh.level {
        return None;
    }
    let n = en.verbatim.len().min(zh.verbatim.len());
    let (a, b) = (&en.verbatim[..n], &zh.verbatim[..n]);
    let shared = a.iter().filter(|item| b.contains(item)).count();
    let union = 2 * n - shared;
    let body = (1000 * shared).checked_div(union).unwrap_or(1000);
    let marks = if en.marks == zh.marks { 2000 } else { 0 };
    Some(1000 + marks + body as i64)
}

/// Pairs the two heading lists in order, as alike as possible; `None` on one side is a
/// heading without counterpart.
fn align(en: &[Section], zh: &[Section]) -> Vec<(Option<usize>, Option<usize>)> {
    let (n, m) = (en.len(), zh.len());
    let mut best = vec![vec![0i64; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let pair = alike(&en[i], &zh[j]).map_or(i64::MIN, |s| s + best[i + 1][j + 1]);
            best[i][j] = pair.max(best[i + 1][j]).max(best[i][j + 1]);
        }
    }
    let (mut i, mut j, mut pairs) = (0, 0, Vec::new());
    while i < n || j < m {
        let pair = (i < n && j < m)
            .then(|| alike(&en[i], &zh[j]))
            .flatten()
            .filter(|s| s + best[i + 1][j + 1] == best[i][j]);
        if pair.is_some() {
            pairs.push((Some(i), Some(j)));
            (i, j) = (i + 1, j + 1);
        } else if j == m || (i < n && best[i + 1][j] == best[i][j]) {
            pairs.push((Some(i), None));
            i += 1;
        } else {
            pairs.push((None, Some(j)));
            j += 1;
        }
    }
    pairs
}

/// Every way the Chinese headings fail to mirror the English ones, one line each.
fn drift(en_text: &str, zh_text: &str) -> Vec<String> {
    let (en, zh) = (sections(en_text), sections(zh_text));
    let mut problems = Vec::new();
    let mut after = "its start".to_string();
    for pair in align(&en, &zh) {
        match pair {
            (Some(i), None) => problems.push(format!(
                "{EN}:{} \"{}\" has no counterpart in {ZH} (expected after {after})",
                en[i].line,
                en[i].shown()
            )),
            (None, Some(j)) => problems.push(format!(
                "{ZH}:{} \"{}\" has no counterpart in {EN}",
                zh[j].line,
                zh[j].shown()
            )),
            (Some(i), Some(j)) => {
                if en[i].marks != zh[j].marks {
                    problems.push(format!(
                        "{EN}:{} \"{}\" and {ZH}:{} \"{}\" do not show the same code: {:?} vs {:?}",
                        en[i].line,
                        en[i].shown(),
                        zh[j].line,
                        zh[j].shown(),
                        en[i].marks,
                        zh[j].marks
                    ));
                }
                after = format!("{ZH}:{}", zh[j].line);
            }
            (None, None) => {}
        }
    }
    problems
}

#[test]
fn every_heading_of_the_readme_has_its_counterpart_in_chinese() {
    let problems = drift(&read(EN), &read(ZH));
    assert!(
        problems.is_empty(),
        "{ZH} no longer mirrors {EN}'s headings (same levels, same order, same inline code):\n{}",
        problems.join("\n")
    );
}

/// The check itself: a heading dropped from the translation is named, not the next one.
#[test]
fn a_dropped_heading_is_named() {
    let en = "# t\n## A\n`a` `b`\n## B\n`c` `d`\n```\nx\n```\n## C\n`e`\n";
    let zh = "# t\n## 甲\n`b` `a`\n`c` `d`\n```\nx\n```\n## 丙\n`e`\n";
    assert_eq!(
        drift(en, zh),
        [
            "README.md:4 \"## B\" has no counterpart in README.zh-CN.md (expected after README.zh-CN.md:2)"
        ]
    );
    let en = "# t\n## `X`\n### a\n";
    let zh = "# t\n## `Y`\n### 甲\n#### 乙\n";
    let problems = drift(en, zh);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[0].contains("do not show the same code"),
        "{problems:?}"
    );
    assert!(
        problems[1].starts_with("README.zh-CN.md:4 \"#### 乙\""),
        "{problems:?}"
    );
}

/// GitHub's anchor for a heading: lowercased, punctuation (full-width too) dropped, spaces
/// to hyphens, and `-1`, `-2` after a repeated one.
fn anchors(text: &str) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for section in sections(text) {
        let slug: String = section
            .title
            .to_lowercase()
            .chars()
            .filter(|&c| c.is_alphanumeric() || matches!(c, '_' | '-' | ' '))
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        let n = seen.entry(slug.clone()).or_default();
        out.push(if *n == 0 {
            slug.clone()
        } else {
            format!("{slug}-{n}")
        });
        *n += 1;
    }
    out
}

/// Targets of `[text](target)` and `![alt](target)` outside code, with their line.
fn links(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let (mut fence, mut in_code) = (None, false);
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        match fence {
            Some(open) if fence_closes(trimmed, open) => fence = None,
            Some(_) => {}
            None if fence_open(trimmed).is_some() => fence = fence_open(trimmed),
            None => {
                let mut outside = String::new();
                for (k, part) in line.split('`').enumerate() {
                    if k > 0 {
                        in_code = !in_code;
                    }
                    if !in_code {
                        outside.push_str(part);
                    }
                }
                for part in outside.split("](").skip(1) {
                    let target = part.split([')', ' ']).next().unwrap_or_default();
                    out.push((i + 1, target.to_string()));
                }
            }
        }
    }
    out
}

/// Why a link in `text` leads nowhere, if it does.
fn dead_link(text: &str, target: &str) -> Option<String> {
    if target.starts_with("https://") || target.starts_with("http://") {
        return None;
    }
    if let Some(anchor) = target.strip_prefix('#') {
        return (!anchors(text).iter().any(|a| a == anchor)).then(|| "no such heading".into());
    }
    let path = Path::new(target.split('#').next().unwrap_or_default());
    if !path.components().all(|c| matches!(c, Component::Normal(_))) {
        return Some("not a plain path inside the repository".into());
    }
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    (!full.exists()).then(|| format!("{} does not exist", path.display()))
}

#[test]
fn every_link_of_both_readmes_leads_into_the_repository() {
    let mut dead = Vec::new();
    for name in [EN, ZH] {
        let text = read(name);
        for (line, target) in links(&text) {
            if let Some(why) = dead_link(&text, &target) {
                dead.push(format!("{name}:{line}: ({target}): {why}"));
            }
        }
    }
    assert!(
        dead.is_empty(),
        "links that lead nowhere:\n{}",
        dead.join("\n")
    );
}

/// Each file says at its top that the other language exists, and where.
#[test]
fn each_readme_links_to_the_other_at_its_top() {
    for (name, other) in [(EN, ZH), (ZH, EN)] {
        let text = read(name);
        let top: String = text.lines().take(5).collect::<Vec<_>>().join("\n");
        assert!(
            top.contains(&format!("]({other})")),
            "{name} links to {other} within its first five lines:\n{top}"
        );
    }
}
