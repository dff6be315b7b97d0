//! Property test of the whole pipeline on hostile edits (issue 15): valid
//! manifests, content pages and the config of `tests/fixtures/site` are
//! mutated (values replaced with control characters, noncharacters, markup,
//! shell metacharacters, huge and tiny numbers; lines deleted, duplicated,
//! re-indented; YAML tokens inserted), then loaded, checked and, when
//! `check` passes, rendered. Nothing may panic, and every XML, iCalendar
//! and JSON output of a site that passed `check` must parse
//! (`fuzz/pipeline.rs`, shared with the fuzz target). Seeded: the same
//! cases every run.

// The file the fuzz target builds on, included as it is: one
// implementation of the pipeline and its output checks for both.
#[path = "../../fuzz/pipeline.rs"]
mod fuzz_pipeline;

use fuzz_pipeline::{Outcome, Pipeline, Target};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// Values a hostile pull request might write, as YAML scalars.
const HOSTILE_YAML: &[&str] = &[
    "\"a\\x01b\"",
    "\"a\\vb\"",
    "\"a\\uFFFEb\"",
    "\"\\u0085\"",
    "\"\\e]0;pwned\\a\"",
    "\"a\\u202Eb\"",
    "\"\\0\"",
    "\"]]><x>&amp;\"",
    "'<script>alert(1)</script>'",
    "'<math><style>'",
    "\"x.gguf; touch /tmp/pwned #.gguf\"",
    "'Q4$(id)'",
    "'a b'",
    "9e307",
    "-9e307",
    "1e-300",
    "1e999",
    ".nan",
    "-.inf",
    "0",
    "-1",
    "7.0",
    "''",
    "~",
    "[]",
    "{}",
    "|\n  line one\n  \u{1}line two\n",
    "2099-12-31",
    "0000-01-01",
    "main",
    "../../etc/passwd",
    "\"%2F..%2F\"",
    "\"\u{1F600} \u{0301}\"",
    "'x &#1; &#xFFFE; &#x85; &#0;'",
    "|\n  ## Notes &#1;\n\n  - &#xFFFF; and &#x9F;\n  - [x](javascript:alert(1)) <img src=x onerror=alert(1)>\n",
];

/// The same, as TOML strings (for `cadence.toml`).
const HOSTILE_TOML: &[&str] = &[
    "\"a\\u0001b\"",
    "\"a\\uFFFEb\"",
    "\"\\u001b]0;pwned\\u0007\"",
    "\"<script>alert(1)</script>\"",
    "\"]]>&\"",
    "\"javascript:alert(1)\"",
    "\"http://x.org/a b/\"",
    "\"https://user:pw@x.org/\"",
    "\"\"",
    "9e307",
    "\"\\u0085\"",
];

const TOKENS: &[&str] = &[
    "\n", " ", "  ", "\t", ":", ": ", "- ", "#", "# c\n", "&a ", "*a", "!!str ", "{", "}", "[",
    "]", ",", "'", "\"", "|\n  ", ">\n  ", "---\n", "...\n", "~", "\u{feff}", "\u{0}", "\r\n",
    "<<: *a\n", "\\", "\u{2028}",
];

/// Markdown a hostile pull request might write in notes or a page.
const HOSTILE_MARKDOWN: &[&str] = &[
    "Odd: &#1; &#xB; &#xFFFE; &#x85; &#0; &#xFDD0;",
    "<math><style>",
    "<textarea>never closed",
    "<script>alert(1)</script> <img src=x onerror=alert(1)>",
    "[x](javascript:alert(1)) [y](/schedule/) ![z](data:text/html,x)",
    "<svg><style>x</style></svg> ]]> <![CDATA[ x ]]>",
    "| a | b |\n|---|:-:|\n| &#1; | \u{1F600} |",
    "[^1]\n\n[^1]: &#x1B;]0;pwned&#7;",
    "- [x] done &#xFFFF;\n- [ ] open",
];

#[derive(Debug, Clone)]
enum Edit {
    /// Put hostile markdown into the notes (a page's body).
    Notes(usize),
    /// Replace the value of the `n`th `key: value` (or `key = value`) line.
    Value(usize, usize),
    DeleteLine(usize),
    DuplicateLine(usize),
    Indent(usize),
    Insert(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let n = any::<usize>();
    prop_oneof![
        2 => n.prop_map(Edit::Notes),
        4 => (n, n).prop_map(|(a, b)| Edit::Value(a, b)),
        1 => n.prop_map(Edit::DeleteLine),
        1 => n.prop_map(Edit::DuplicateLine),
        1 => n.prop_map(Edit::Indent),
        1 => (n, n).prop_map(|(a, b)| Edit::Insert(a, b)),
    ]
}

fn apply(target: Target, text: &str, e: &Edit) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if lines.is_empty() {
        lines.push(String::new());
    }
    let n = lines.len();
    match *e {
        Edit::Notes(m) if target != Target::Config => {
            let snippet = HOSTILE_MARKDOWN[m % HOSTILE_MARKDOWN.len()];
            if target == Target::Content {
                lines.push(snippet.to_string());
            } else {
                // The old notes block goes; the new one is added at the end.
                if let Some(k) = lines.iter().position(|l| l.starts_with("notes:")) {
                    lines.remove(k);
                    while k < lines.len()
                        && (lines[k].starts_with(' ') || lines[k].trim().is_empty())
                    {
                        lines.remove(k);
                    }
                }
                lines.push("notes: |".into());
                lines.extend(snippet.lines().map(|l| format!("  {l}")));
            }
        }
        Edit::Notes(_) => {}
        Edit::Value(i, v) => {
            let sep = if target == Target::Config {
                " = "
            } else {
                ": "
            };
            let keyed: Vec<usize> = (0..n).filter(|&k| lines[k].contains(sep)).collect();
            if let Some(&k) = keyed.get(i % keyed.len().max(1)) {
                let key = lines[k].split(sep).next().unwrap_or("").to_string();
                let pool = if target == Target::Config {
                    HOSTILE_TOML
                } else {
                    HOSTILE_YAML
                };
                lines[k] = format!("{key}{sep}{}", pool[v % pool.len()]);
                // The old value's block (a block scalar's lines, a nested
                // mapping or list) goes with it.
                let indent = |l: &str| l.len() - l.trim_start().len();
                let own = indent(&lines[k]);
                while k + 1 < lines.len()
                    && (lines[k + 1].trim().is_empty() || indent(&lines[k + 1]) > own)
                    && target != Target::Config
                {
                    lines.remove(k + 1);
                }
            }
        }
        Edit::DeleteLine(i) => {
            lines.remove(i % n);
        }
        Edit::DuplicateLine(i) => {
            let l = lines[i % n].clone();
            lines.insert(i % n, l);
        }
        Edit::Indent(i) => lines[i % n] = format!("  {}", lines[i % n]),
        Edit::Insert(i, t) => {
            let l = &mut lines[i % n];
            let at = (0..=l.len())
                .rev()
                .find(|&b| l.is_char_boundary(b) && b <= t % (l.len() + 1));
            l.insert_str(at.unwrap_or(0), TOKENS[t % TOKENS.len()]);
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

#[test]
fn hostile_edits_never_panic_and_a_passing_site_writes_well_formed_files() {
    const CASES: u32 = 160;
    let pipeline = Pipeline::new();
    let seeds: Vec<(Target, String)> = [
        Target::Versioned,
        Target::Stream,
        Target::Content,
        Target::Config,
    ]
    .into_iter()
    .flat_map(|t| {
        pipeline
            .seeds(t)
            .into_iter()
            .map(move |(_, text)| (t, text))
    })
    .collect();
    let config = Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    };
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[15; 32]);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let counts = std::cell::RefCell::new([0usize; 3]);
    let strategy = (0..seeds.len(), prop::collection::vec(edit(), 1..4));
    runner
        .run(&strategy, |(which, edits)| {
            let (target, text) = &seeds[which];
            let mut text = text.clone();
            for e in &edits {
                text = apply(*target, &text, e);
            }
            match pipeline.run(*target, text.as_bytes()) {
                Err(broken) => prop_assert!(false, "{broken}\ninput ({target:?}):\n{text}"),
                Ok(Outcome::Refused) => counts.borrow_mut()[0] += 1,
                Ok(Outcome::Findings) => counts.borrow_mut()[1] += 1,
                Ok(Outcome::Built { .. }) => counts.borrow_mut()[2] += 1,
            }
            Ok(())
        })
        .unwrap();
    let [refused, findings, built] = *counts.borrow();
    eprintln!("refused {refused}, findings {findings}, built {built}");
    // A property that never reaches the writers proves nothing about them.
    assert!(
        built >= CASES as usize / 8 && findings >= CASES as usize / 8,
        "refused {refused}, findings {findings}, built {built}"
    );
}

#[test]
fn the_base_site_builds_and_a_hostile_summary_is_a_finding() {
    let pipeline = Pipeline::new();
    let (_, text) = pipeline
        .seeds(Target::Versioned)
        .into_iter()
        .find(|(p, _)| p.ends_with("/1.1.0.yaml"))
        .expect("the fixture has 1.1.0");
    assert!(matches!(
        pipeline.run(Target::Versioned, text.as_bytes()),
        Ok(Outcome::Built { .. })
    ));
    let hostile: String = text
        .lines()
        .map(|l| match l.starts_with("summary:") {
            true => "summary: \"a\\x01b\"\n".to_string(),
            false => format!("{l}\n"),
        })
        .collect();
    assert!(hostile.contains("summary: \"a\\x01b\"\n"));
    assert_eq!(
        pipeline.run(Target::Versioned, hostile.as_bytes()),
        Ok(Outcome::Findings)
    );
}

#[test]
fn the_output_checks_can_fail() {
    assert_eq!(Target::from_byte(7), Target::Config);
    assert!(fuzz_pipeline::valid("atom.xml", b"<feed>\x01</feed>").is_err());
    assert!(fuzz_pipeline::valid("api/v1/x.json", b"{\"a\": }").is_err());
    assert!(fuzz_pipeline::valid("calendar.ics", b"BEGIN:VCALENDAR\nEND:VCALENDAR\n").is_err());
    let long = format!(
        "BEGIN:VCALENDAR\r\nX:{}\r\nEND:VCALENDAR\r\n",
        "a".repeat(80)
    );
    assert!(fuzz_pipeline::valid("calendar.ics", long.as_bytes()).is_err());
    assert!(fuzz_pipeline::valid("calendar.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n").is_ok());
    assert!(fuzz_pipeline::valid("index.html", "<p>\u{fffe}</p>".as_bytes()).is_err());
    assert!(fuzz_pipeline::valid("index.html", b"<svg><circle cx=\"NaN\"/></svg>").is_err());
}
