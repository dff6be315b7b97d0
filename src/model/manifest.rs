//! Release and skip manifests: their types, and reading one file into one,
//! with `yaml-syntax`, `schema` and `file-name` findings and the position of
//! every field kept for later rules.
//!
//! Part of the model layer.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveTime};

use crate::model::diagnostics::Finding;
use crate::model::version::Version;
use crate::model::yaml::{self, Node, Pos};

mod line;
mod reader;
mod score;

pub use line::{LINE_KEYS, LineFile};
pub use score::{Score, shortest as shortest_number};

use reader::{Reader, read_release, read_skip};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Released,
    Planned,
    Yanked,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Released => "released",
            Status::Planned => "planned",
            Status::Yanked => "yanked",
        }
    }
    /// Released and yanked releases happened; a planned one has not.
    pub fn shipped(self) -> bool {
        self != Status::Planned
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Yank {
    pub date: NaiveDate,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Safetensors,
    Gguf,
    Other,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Safetensors => "safetensors",
            Format::Gguf => "gguf",
            Format::Other => "other",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Artifact {
    pub format: Format,
    pub file: String,
    pub repo: Option<String>,
    pub revision: Option<String>,
    pub quantization: Option<String>,
    pub size: Option<i64>,
    pub sha256: Option<String>,
}

/// Whether `revision` is a full commit id, 40 hex digits: the only kind
/// that pins an artifact's bytes (SPEC 4; a branch such as `main` leaves
/// them *unpinned*).
pub fn is_commit(revision: &str) -> bool {
    revision.len() == 40 && revision.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Where each field of a manifest was written, by path (`date`,
/// `yanked.reason`, `artifacts.0.sha256`, `evaluations.mmlu`).
///
/// A list in the order the fields were read, searched from the end: a
/// manifest has a few dozen fields and is asked for positions only when a
/// rule has something to say, so a map per manifest (ten thousand of them
/// in a large site) would cost more than it saves.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Positions(Vec<(Box<str>, Pos)>);

impl Positions {
    /// The position of `field`, else of the document's first key.
    pub fn at(&self, field: &str) -> Option<Pos> {
        self.get(field).or_else(|| self.get(""))
    }
    fn get(&self, field: &str) -> Option<Pos> {
        self.0
            .iter()
            .rev()
            .find(|(f, _)| &**f == field)
            .map(|&(_, p)| p)
    }
    /// Where `field` is; a later position of the same field wins.
    fn set(&mut self, field: impl Into<String>, pos: Pos) {
        self.0.push((field.into().into_boxed_str(), pos));
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Release {
    /// Path relative to the site root.
    pub file: String,
    pub model: String,
    pub channel: String,
    /// As written.
    pub version: String,
    /// Parsed for the channel's versioning; `None` when malformed.
    pub parsed: Option<Version>,
    pub date: NaiveDate,
    /// The UTC time of day when `date` is an RFC 3339 date-time: it orders
    /// the day's entries in feeds.
    pub time: Option<NaiveTime>,
    pub summary: String,
    pub title: Option<String>,
    pub status: Status,
    pub yanked: Option<Yank>,
    pub revision: Option<String>,
    pub taxonomy: Option<String>,
    pub taxonomy_commit: Option<String>,
    pub artifacts: Vec<Artifact>,
    pub ollama: Option<String>,
    /// Metric to score, each kept as written.
    pub evaluations: BTreeMap<String, Score>,
    pub notes: Option<String>,
    pub pos: Positions,
}

impl Release {
    pub fn is_candidate(&self) -> bool {
        self.parsed.as_ref().is_some_and(Version::is_candidate)
    }
    pub fn is_final(&self) -> bool {
        !self.is_candidate()
    }
    pub fn at(&self, field: &str) -> Option<Pos> {
        self.pos.at(field)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Skip {
    pub file: String,
    pub model: String,
    pub channel: String,
    pub slot: NaiveDate,
    pub announced: NaiveDate,
    pub reason: String,
    pub pos: Positions,
}

impl Skip {
    pub fn at(&self, field: &str) -> Option<Pos> {
        self.pos.at(field)
    }
}

/// A manifest as read. The release variant is much larger than the skip, but
/// each is unpacked once, right after it is read, so they
/// stay unboxed (boxing would change how every caller matches them).
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Manifest {
    Release(Release),
    Skip(Skip),
    Line(LineFile),
}

pub const RELEASE_KEYS: &[&str] = &[
    "kind",
    "version",
    "date",
    "summary",
    "title",
    "status",
    "yanked",
    "revision",
    "taxonomy",
    "taxonomy_commit",
    "artifacts",
    "ollama",
    "evaluations",
    "notes",
];
pub const SKIP_KEYS: &[&str] = &["kind", "slot", "announced", "reason"];
/// Keys whose text is prose (markdown) and may hold tabs and line breaks.
const PROSE: &[&str] = &["notes", "reason", "note"];
/// The largest magnitude of an evaluation: no benchmark scores beyond it,
/// and every sum, difference and ratio of two scores stays finite.
pub const MAX_EVALUATION: f64 = 1e15;
const YANK_KEYS: &[&str] = &["date", "reason"];
const ARTIFACT_KEYS: &[&str] = &[
    "format",
    "file",
    "repo",
    "revision",
    "quantization",
    "size",
    "sha256",
];

/// Read one manifest file's text into a manifest (if enough of it was valid to
/// take part in the site's rules) and its `yaml-syntax` and `schema` findings.
pub fn parse(
    file: &str,
    text: &str,
    model: &str,
    channel: &str,
) -> (Option<Manifest>, Vec<Finding>) {
    let mut findings = Vec::new();
    let root = match yaml::parse(text) {
        Ok(Some(n)) => n,
        Ok(None) => {
            findings.push(
                Finding::error(
                    "schema",
                    file,
                    "the manifest is empty; it needs at least `version`, `date` and `summary`",
                )
                .at(Some(Pos::new(1, 1))),
            );
            return (None, findings);
        }
        Err(e) => {
            let (pos, help) = yaml::hint::syntax_help(text, &e);
            let mut f = Finding::error("yaml-syntax", file, format!("invalid YAML: {}", e.message))
                .at(Some(pos));
            if let Some(help) = help {
                f = f.help(help);
            }
            findings.push(f);
            return (None, findings);
        }
    };
    if root.as_map().is_none() {
        findings.push(
            Finding::error(
                "schema",
                file,
                format!(
                    "a manifest must be a mapping of keys, found {}",
                    root.kind()
                ),
            )
            .at(Some(root.pos)),
        );
        return (None, findings);
    }
    // Plain text everywhere; tabs and line breaks in prose only.
    crate::model::text::check_yaml(&root, PROSE, &mut |pos, message| {
        findings.push(Finding::error("schema", file, message).at(Some(pos)));
    });
    for key in PROSE {
        if let Some((node, Some(md))) = root.get(key).map(|n| (n, n.as_str()))
            && let Some((_, depth)) = crate::model::nesting::too_deep(md)
        {
            findings.push(
                Finding::error(
                    "schema",
                    file,
                    format!(
                        "`{key}` nests {depth} levels deep (quotes, lists and HTML tags inside one another), more than the {} cadence renders",
                        crate::model::nesting::MAX_DEPTH
                    ),
                )
                .at(Some(node.pos))
                .help("close the HTML tags you open, and nest quotes and lists less deep"),
            );
        }
    }
    cut_by_comments(file, text, &root, &mut findings);
    let mut pos = Positions::default();
    pos.set(
        "",
        root.as_map()
            .and_then(|m| m.first())
            .map_or(root.pos, |(k, _)| k.pos),
    );
    let mut r = Reader {
        file,
        findings: &mut findings,
        pos: &mut pos,
    };
    let kind = match root.get("kind") {
        None if line::without_kind(file, &root) => {
            r.findings.push(line::kind_missing(file, root.pos));
            "line".to_string()
        }
        None => "release".to_string(),
        Some(node) => match node.as_str() {
            Some(k @ ("release" | "skip" | "line")) => k.to_string(),
            _ => {
                r.schema(
                    node.pos,
                    format!(
                        "`kind` must be `release`, `skip` or `line`, found `{}`",
                        node.as_str().unwrap_or(node.kind())
                    ),
                );
                return (None, findings);
            }
        },
    };
    let manifest = match kind.as_str() {
        "skip" => read_skip(&mut r, &root, model, channel),
        "line" => line::read(&mut r, &root, model, channel),
        _ => read_release(&mut r, &root, model, channel),
    };
    (manifest, findings)
}
/// Text fields written as a sentence, where a ` #` is likelier part of the
/// text ("Fixes #42") than a comment.
const SENTENCES: &[&[&str]] = &[
    &["summary"],
    &["title"],
    &["reason"],
    &["note"],
    &["yanked", "reason"],
];

/// A `schema` warning for each sentence field whose plain value a ` #`
/// cuts short: YAML drops the rest of the line as a comment.
pub fn cut_by_comments(file: &str, text: &str, root: &Node, findings: &mut Vec<Finding>) {
    for path in SENTENCES {
        let node = path.iter().try_fold(root, |n, key| n.get(key));
        let Some(node) = node else { continue };
        let Some(at) = yaml::hint::comment_after(text, node) else {
            continue;
        };
        let field = path.join(".");
        let mut f = Finding::warning(
            "schema",
            file,
            format!("`{field}` ends before ` #`: text after ` #` is a comment; quote the value"),
        )
        .at(Some(at));
        if let Some(value) = yaml::hint::written_value(text, node) {
            let key = path.last().copied().unwrap_or_default();
            f = f.help(format!(
                "write `{key}: {}` to keep it, or put the comment on a line of its own",
                yaml::hint::quoted(&value)
            ));
        }
        findings.push(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn release(text: &str) -> (Option<Manifest>, Vec<Finding>) {
        parse("releases/m/versioned/1.1.0.yaml", text, "m", "versioned")
    }

    #[test]
    fn reads_a_full_release() {
        let (m, f) = release(
            "version: 1.1.0\ndate: 2024-09-16\nsummary: First.\nrevision: 0123456789abcdef0123456789abcdef01234567\nartifacts:\n  - format: gguf\n    file: a.gguf\n    quantization: Q4_K_M\n    size: 4080218931\nevaluations:\n  mt_bench: 7.23\nnotes: |\n  ## New\n",
        );
        assert!(f.is_empty(), "{f:?}");
        let Some(Manifest::Release(r)) = m else {
            panic!()
        };
        assert_eq!(r.version, "1.1.0");
        assert_eq!(r.artifacts[0].size, Some(4080218931));
        assert_eq!(r.evaluations["mt_bench"].value, 7.23);
        assert_eq!(r.at("artifacts.0.size").unwrap().line, 9);
        assert_eq!(r.at("date").unwrap(), Pos::new(2, 7));
    }

    #[test]
    fn schema_findings_name_the_line() {
        let (_, f) = release("version: 1.1.0\ndate: 2024-09-16\nsumary: x\nstatus: shipped\n");
        let codes: Vec<_> = f.iter().map(|f| (f.code, f.line)).collect();
        assert!(codes.contains(&("schema", Some(3))), "{f:?}");
        assert!(
            f.iter()
                .any(|f| f.help.as_deref() == Some("did you mean `summary`?"))
        );
        assert!(
            f.iter()
                .any(|f| f.message.contains("required key `summary`"))
        );
        assert!(
            f.iter()
                .any(|f| f.line == Some(4) && f.message.contains("status"))
        );
    }

    #[test]
    fn yanked_must_match_status() {
        let (_, f) = release("version: 1.1.0\ndate: 2024-09-16\nsummary: x\nstatus: yanked\n");
        assert!(f.iter().any(|f| f.message.contains("needs `yanked:`")));
        let (_, f) = release(
            "version: 1.1.0\ndate: 2024-09-16\nsummary: x\nyanked:\n  date: 2024-10-01\n  reason: r\n",
        );
        assert!(f.iter().any(|f| {
            f.message
                .contains("only for a release with `status: yanked`")
                && f.line == Some(5)
        }));
    }

    #[test]
    fn empty_and_broken_files() {
        let (m, f) = release("");
        assert!(m.is_none() && f[0].code == "schema");
        let (m, f) = release("version: [1\n");
        assert!(m.is_none() && f[0].code == "yaml-syntax");
        let (_, f) = release("- a\n- b\n");
        assert_eq!(f[0].code, "schema");
    }
}
