//! The whole pipeline on one untrusted input, for the fuzz target
//! (`fuzz/fuzz_targets/pipeline.rs`) and the property test that `cargo
//! test` runs (`tests/testsuite/pipeline.rs` includes this file).
//!
//! A base site (`tests/fixtures/site`: both channels, candidates, skips,
//! artifacts, evaluations, notes, content pages) is copied once into a
//! temporary folder. Each input replaces or adds one file: a manifest of
//! either channel (named after the `version:`, skip `slot:` or line
//! `major:` it holds, so that a mutated version still names its file), a
//! content page, or
//! `cadence.toml`. Then load → check → (when `check` has no error) the
//! theme, the catalog and every output, rendered in memory. What must hold:
//! nothing panics; when `check` passes, every XML file (feeds, sitemap)
//! parses with a strict XML 1.0 parser, every JSON file with serde_json,
//! every iCalendar file keeps RFC 5545's lines (CRLF, at most 75 octets,
//! no control characters, balanced BEGIN/END), and no page carries a
//! character an HTML checker refuses or a non-finite number in an SVG.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use cadence_site::model::{load, rules};
use cadence_site::site::build::render_site;
use cadence_site::site::catalog::Catalog;
use cadence_site::site::theme::Theme;
use chrono::NaiveDate;

/// Which file an input becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A manifest under `releases/granite-7b-lab/versioned/`.
    Versioned,
    /// A manifest under `releases/granite-7b-lab/stream/`.
    Stream,
    /// `content/fuzz.md`.
    Content,
    /// `cadence.toml`, in place of the base site's.
    Config,
}

impl Target {
    /// The target a fuzz input's first byte picks.
    pub fn from_byte(b: u8) -> Target {
        match b % 8 {
            0..=3 => Target::Versioned,
            4 | 5 => Target::Stream,
            6 => Target::Content,
            _ => Target::Config,
        }
    }
}

/// What a run did, for the tests to see that inputs reach every stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The config could not be loaded (exit 2).
    Refused,
    /// `check` found an error: nothing is rendered.
    Findings,
    /// `check` passed (or found only warnings) and every output was
    /// rendered and parsed.
    Built { files: usize },
}

/// The base site in a temporary folder; one input at a time.
pub struct Pipeline {
    root: PathBuf,
    /// The theme in use, by name, when it passed the theme check.
    theme: Mutex<Option<(String, Option<Theme>)>>,
    today: NaiveDate,
    lock: Mutex<()>,
    _dir: tempfile::TempDir,
}

impl Pipeline {
    /// A copy of `tests/fixtures/site`, checked with `--today 2025-05-20`
    /// as CI builds it.
    pub fn new() -> Pipeline {
        let base = Path::new(env!("CARGO_MANIFEST_DIR")).join(
            if Path::new(env!("CARGO_MANIFEST_DIR")).ends_with("fuzz") {
                "../tests/fixtures/site"
            } else {
                "tests/fixtures/site"
            },
        );
        let dir = tempfile::tempdir().expect("a temporary folder");
        let root = dir.path().join("site");
        copy_dir(&base, &root);
        Pipeline {
            root,
            theme: Mutex::new(None),
            today: NaiveDate::from_ymd_opt(2025, 5, 20).expect("a date"),
            lock: Mutex::new(()),
            _dir: dir,
        }
    }

    /// The base site's files of `target`'s kind, as (relative path, text):
    /// seeds to mutate.
    pub fn seeds(&self, target: Target) -> Vec<(String, String)> {
        let dir = match target {
            Target::Versioned => "releases/granite-7b-lab/versioned",
            Target::Stream => "releases/granite-7b-lab/stream",
            Target::Content => "content",
            Target::Config => {
                let text = std::fs::read_to_string(self.root.join("cadence.toml"))
                    .expect("the base config");
                return vec![("cadence.toml".into(), text)];
            }
        };
        let mut out = Vec::new();
        for entry in std::fs::read_dir(self.root.join(dir)).expect("a base folder") {
            let path = entry.expect("an entry").path();
            if let Ok(text) = std::fs::read_to_string(&path) {
                let name = path.file_name().expect("a name").to_string_lossy();
                out.push((format!("{dir}/{name}"), text));
            }
        }
        out.sort();
        out
    }

    /// Run the pipeline with `bytes` as `target`'s file; `Err` says which
    /// output broke which promise. Panics propagate (a panic is a defect).
    pub fn run(&self, target: Target, bytes: &[u8]) -> Result<Outcome, String> {
        let _one_at_a_time = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let rel = file_for(target, bytes);
        let path = self.root.join(&rel);
        let before = std::fs::read(&path).ok();
        std::fs::write(&path, bytes).expect("writing the input");
        let outcome = self.stages();
        match before {
            Some(b) => std::fs::write(&path, b).expect("restoring the base file"),
            None => std::fs::remove_file(&path).expect("removing the input"),
        }
        outcome
    }

    fn stages(&self) -> Result<Outcome, String> {
        let Ok(site) = load::load(&self.root) else {
            return Ok(Outcome::Refused);
        };
        let findings = rules::check(&site, self.today);
        if findings
            .iter()
            .any(|f| f.severity == cadence_site::model::diagnostics::Severity::Error)
        {
            return Ok(Outcome::Findings);
        }
        // `cadence check` also loads the theme; a broken one is findings.
        // Only the config can change which theme is used, so the base
        // site's theme is checked and loaded once.
        let name = site.config.theme.clone();
        let mut cached = self.theme.lock().unwrap_or_else(|e| e.into_inner());
        if cached.as_ref().is_none_or(|(n, _)| *n != name) {
            let loaded = match cadence_site::site::theme::check(&self.root, &name) {
                Ok(found) if found.is_empty() => match Theme::load(&self.root, &name) {
                    Ok(t) => Some(t),
                    Err(e) => {
                        return Err(format!("a theme that passed check did not load: {e:?}"));
                    }
                },
                _ => None,
            };
            *cached = Some((name, loaded));
        }
        let Some((_, Some(theme))) = cached.as_ref() else {
            return Ok(Outcome::Findings);
        };
        let catalog = Catalog::new(&site, self.today);
        let files = render_site(&catalog, theme, false)
            .map_err(|e| format!("a site that passed check did not render: {e:#}"))?;
        for f in &files {
            valid(&f.path, &f.bytes)?;
        }
        Ok(Outcome::Built { files: files.len() })
    }
}

impl Default for Pipeline {
    fn default() -> Self {
        Pipeline::new()
    }
}

/// The path, relative to the site root, that `bytes` are written to.
fn file_for(target: Target, bytes: &[u8]) -> String {
    let channel = match target {
        Target::Versioned => "versioned",
        Target::Stream => "stream",
        Target::Content => return "content/fuzz.md".into(),
        Target::Config => return "cadence.toml".into(),
    };
    let text = String::from_utf8_lossy(bytes);
    let value = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(key))
            .map(|v| v.trim().trim_matches(['"', '\'']).to_string())
            .filter(|v| {
                !v.is_empty()
                    && v.len() <= 64
                    && !v.starts_with('.')
                    && v.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
            })
    };
    let stem = if text.contains("kind: skip") {
        value("slot:").map(|s| format!("skip-{s}"))
    } else if text.contains("kind: line") {
        value("major:").map(|m| format!("line-{m}"))
    } else {
        value("version:")
    }
    .unwrap_or_else(|| "fuzz".into());
    format!("releases/granite-7b-lab/{channel}/{stem}.yaml")
}

/// Whether one output file keeps its format's promises.
pub fn valid(path: &str, bytes: &[u8]) -> Result<(), String> {
    let fail = |why: String| Err(format!("{path}: {why}"));
    let ext = path.rsplit('.').next().unwrap_or("");
    if !matches!(ext, "xml" | "json" | "ics" | "html" | "txt" | "css") {
        return Ok(());
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return fail("not UTF-8".into());
    };
    match ext {
        "xml" => {
            if let Err(e) = roxmltree::Document::parse(text) {
                return fail(format!("not well-formed XML: {e}"));
            }
        }
        "json" => {
            if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
                return fail(format!("not JSON: {e}"));
            }
        }
        "ics" => {
            if let Err(e) = ics(text) {
                return fail(e);
            }
        }
        "html" => {
            if let Some(c) = text.chars().find(|&c| refused_in_html(c)) {
                return fail(format!("a page carries {c:?}"));
            }
            for bad in ["=\"NaN\"", "=\"inf\"", "=\"-inf\"", "NaN,", ",NaN"] {
                if text.contains(bad) {
                    return fail(format!("a non-finite number in the page: {bad}"));
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// C0 controls but tab, LF and CR; DEL; C1 controls; noncharacters.
fn refused_in_html(c: char) -> bool {
    let n = c as u32;
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || (0xFDD0..=0xFDEF).contains(&n)
        || n & 0xFFFE == 0xFFFE
}

/// RFC 5545's framing: CRLF lines of at most 75 octets, folded lines
/// starting with a space or tab, no control character but tab, `NAME[;..]:`
/// content lines, balanced BEGIN/END starting and ending with VCALENDAR.
fn ics(text: &str) -> Result<(), String> {
    let Some(body) = text.strip_suffix("\r\n") else {
        return Err("does not end with CRLF".into());
    };
    let mut unfolded: Vec<String> = Vec::new();
    for (n, line) in body.split("\r\n").enumerate() {
        if line.contains(['\r', '\n']) {
            return Err(format!("line {}: a bare CR or LF", n + 1));
        }
        if line.len() > 75 {
            return Err(format!(
                "line {}: {} octets, more than 75",
                n + 1,
                line.len()
            ));
        }
        if let Some(c) = line.chars().find(|&c| c.is_control() && c != '\t') {
            return Err(format!("line {}: control character {c:?}", n + 1));
        }
        match line.strip_prefix([' ', '\t']) {
            Some(rest) => match unfolded.last_mut() {
                Some(last) => last.push_str(rest),
                None => return Err("the first line is a continuation".into()),
            },
            None => unfolded.push(line.to_string()),
        }
    }
    let mut open: Vec<String> = Vec::new();
    for (n, line) in unfolded.iter().enumerate() {
        let Some((head, value)) = line.split_once(':') else {
            return Err(format!("content line {}: no `:`", n + 1));
        };
        let name = head.split(';').next().unwrap_or("");
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(format!("content line {}: bad name `{name}`", n + 1));
        }
        match name {
            "BEGIN" => open.push(value.to_string()),
            "END" if open.pop().as_deref() != Some(value) => {
                return Err(format!(
                    "content line {}: END:{value} closes nothing",
                    n + 1
                ));
            }
            "END" => {}
            _ if open.is_empty() => {
                return Err(format!("content line {}: outside BEGIN/END", n + 1));
            }
            _ => {}
        }
        if n == 0 && line != "BEGIN:VCALENDAR" {
            return Err("does not start with BEGIN:VCALENDAR".into());
        }
    }
    if !open.is_empty() || unfolded.last().map(String::as_str) != Some("END:VCALENDAR") {
        return Err("BEGIN/END do not balance to one VCALENDAR".into());
    }
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a folder");
    for entry in std::fs::read_dir(from).expect("the base site") {
        let entry = entry.expect("an entry");
        let dest = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), &dest).expect("a copy");
        }
    }
}
