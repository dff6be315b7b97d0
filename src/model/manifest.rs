//! Release and skip manifests: their types, and reading one file into one,
//! with `yaml-syntax`, `schema` and `file-name` findings and the position of
//! every field kept for later rules.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate};

use crate::model::config::Versioning;
use crate::model::diagnostics::{Finding, suggest};
use crate::model::yaml::{self, Node, Pos};

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

/// A parsed version: semver on semver channels, a dated build on date channels.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    Date { date: NaiveDate, build: u32 },
    Semver(semver::Version),
}

impl Version {
    /// Parse `text` as a version of a channel with `versioning`; `None` if it
    /// is not one (a `version-format` finding).
    pub fn parse(text: &str, versioning: Versioning) -> Option<Version> {
        match versioning {
            Versioning::Date => {
                let (day, build) = match text.split_once('.') {
                    None => (text, 1),
                    Some((day, n)) => {
                        if n.is_empty()
                            || n.starts_with('0')
                            || !n.bytes().all(|b| b.is_ascii_digit())
                        {
                            return None;
                        }
                        let n: u32 = n.parse().ok()?;
                        if n < 2 {
                            return None;
                        }
                        (day, n)
                    }
                };
                Some(Version::Date {
                    date: parse_day(day)?,
                    build,
                })
            }
            Versioning::Semver => {
                let v = semver::Version::parse(text).ok()?;
                if !v.build.is_empty() {
                    return None;
                }
                if !v.pre.is_empty() {
                    rc_number(&v.pre)?;
                }
                Some(Version::Semver(v))
            }
        }
    }

    /// `N` of a `-rc.N` candidate.
    pub fn rc(&self) -> Option<u64> {
        match self {
            Version::Semver(v) if !v.pre.is_empty() => rc_number(&v.pre),
            _ => None,
        }
    }

    pub fn is_candidate(&self) -> bool {
        self.rc().is_some()
    }

    /// The final a candidate leads to (`1.1.0` for `1.1.0-rc.2`); itself for a final.
    pub fn final_version(&self) -> Version {
        match self {
            Version::Semver(v) => Version::Semver(semver::Version::new(v.major, v.minor, v.patch)),
            other => other.clone(),
        }
    }

    pub fn semver(&self) -> Option<&semver::Version> {
        match self {
            Version::Semver(v) => Some(v),
            _ => None,
        }
    }

    /// `(major, minor)` of a semver version.
    pub fn line(&self) -> Option<(u64, u64)> {
        self.semver().map(|v| (v.major, v.minor))
    }
}

fn rc_number(pre: &semver::Prerelease) -> Option<u64> {
    let n = pre.as_str().strip_prefix("rc.")?;
    if n.starts_with('0') || n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    n.parse().ok()
}

/// `YYYY-MM-DD`, strictly.
pub fn parse_day(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10
        || b[4] != b'-'
        || b[7] != b'-'
        || !b
            .iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
    {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// `YYYY-MM-DD` or an RFC 3339 date-time with offset, as a UTC day.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    parse_day(text).or_else(|| {
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|d| d.naive_utc().date())
    })
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
    pub summary: String,
    pub title: Option<String>,
    pub status: Status,
    pub yanked: Option<Yank>,
    pub revision: Option<String>,
    pub taxonomy: Option<String>,
    pub taxonomy_commit: Option<String>,
    pub artifacts: Vec<Artifact>,
    pub ollama: Option<String>,
    pub evaluations: BTreeMap<String, f64>,
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

/// Reads one mapping, reporting unknown keys, missing keys and wrong types.
struct Reader<'a> {
    file: &'a str,
    findings: &'a mut Vec<Finding>,
    pos: &'a mut Positions,
}

impl Reader<'_> {
    fn schema(&mut self, pos: Pos, message: String) {
        self.findings
            .push(Finding::error("schema", self.file, message).at(Some(pos)));
    }

    /// Check the keys of `map` against `known`; returns the map's entries.
    fn keys<'n>(
        &mut self,
        map: &'n Node,
        known: &[&str],
        what: &str,
        prefix: &str,
    ) -> Option<&'n [(yaml::Key, Node)]> {
        let Some(entries) = map.as_map() else {
            self.schema(
                map.pos,
                format!("{what} must be a mapping of keys, found {}", map.kind()),
            );
            return None;
        };
        for (key, value) in entries {
            self.pos.set(format!("{prefix}{}", key.name), value.pos);
            if !known.contains(&key.name.as_str()) {
                let mut f = Finding::error(
                    "schema",
                    self.file,
                    format!("unknown key `{prefix}{}` in {what}", key.name),
                )
                .at(Some(key.pos));
                if let Some(s) = suggest(&key.name, known.iter().copied()) {
                    f = f.help(format!("did you mean `{s}`?"));
                }
                self.findings.push(f);
            }
        }
        Some(entries)
    }

    fn missing(&mut self, at: Pos, what: &str, key: &str) {
        self.findings.push(
            Finding::error(
                "schema",
                self.file,
                format!("{what} is missing the required key `{key}`"),
            )
            .at(Some(at)),
        );
    }

    /// A text field: any non-null scalar, as written.
    fn text(&mut self, map: &Node, key: &str, path: &str) -> Option<String> {
        let node = map.get(key)?;
        match node.as_str() {
            Some(t) => Some(t.to_string()),
            None if node.is_null() => {
                self.schema(
                    node.pos,
                    format!("`{path}` is empty; give it a value or remove it"),
                );
                None
            }
            None => {
                self.schema(
                    node.pos,
                    format!("`{path}` must be text, found {}", node.kind()),
                );
                None
            }
        }
    }

    fn required_text(&mut self, map: &Node, key: &str, what: &str, path: &str) -> Option<String> {
        if map.get(key).is_none() {
            self.missing(map.pos, what, path);
            return None;
        }
        self.text(map, key, path)
    }

    fn date(
        &mut self,
        map: &Node,
        key: &str,
        what: &str,
        path: &str,
        required: bool,
    ) -> Option<NaiveDate> {
        if map.get(key).is_none() {
            if required {
                self.missing(map.pos, what, path);
            }
            return None;
        }
        let node = map.get(key)?;
        let text = self.text(map, key, path)?;
        let date = parse_date(text.trim());
        if date.is_none() {
            self.schema(
                node.pos,
                format!("`{path}` must be a date YYYY-MM-DD or an RFC 3339 date-time with offset, found `{text}`"),
            );
        }
        date
    }
}

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
            findings.push(
                Finding::error("yaml-syntax", file, format!("invalid YAML: {}", e.message))
                    .at(Some(e.pos)),
            );
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
        None => "release".to_string(),
        Some(node) => match node.as_str() {
            Some(k @ ("release" | "skip")) => k.to_string(),
            _ => {
                r.schema(
                    node.pos,
                    format!(
                        "`kind` must be `release` or `skip`, found `{}`",
                        node.as_str().unwrap_or(node.kind())
                    ),
                );
                return (None, findings);
            }
        },
    };
    let manifest = if kind == "skip" {
        read_skip(&mut r, &root, model, channel)
    } else {
        read_release(&mut r, &root, model, channel)
    };
    (manifest, findings)
}

fn read_skip(r: &mut Reader, root: &Node, model: &str, channel: &str) -> Option<Manifest> {
    r.keys(root, SKIP_KEYS, "a skip", "");
    let slot = r.date(root, "slot", "a skip", "slot", true);
    let announced = r.date(root, "announced", "a skip", "announced", true);
    let reason = r.required_text(root, "reason", "a skip", "reason");
    Some(Manifest::Skip(Skip {
        file: r.file.to_string(),
        model: model.to_string(),
        channel: channel.to_string(),
        slot: slot?,
        announced: announced?,
        reason: reason?,
        pos: std::mem::take(r.pos),
    }))
}

fn read_release(r: &mut Reader, root: &Node, model: &str, channel: &str) -> Option<Manifest> {
    r.keys(root, RELEASE_KEYS, "a release", "");
    let version = r.required_text(root, "version", "a release", "version");
    let date = r.date(root, "date", "a release", "date", true);
    let summary = r.required_text(root, "summary", "a release", "summary");
    // A summary spanning lines is a finding of the text check.
    if let (Some(s), Some(node)) = (&summary, root.get("summary"))
        && s.trim().is_empty()
    {
        r.schema(node.pos, "`summary` is empty".into());
    }
    let title = r.text(root, "title", "title");
    let status = match root.get("status") {
        None => Status::Released,
        Some(node) => match node.as_str() {
            Some("released") => Status::Released,
            Some("planned") => Status::Planned,
            Some("yanked") => Status::Yanked,
            other => {
                let found = other.unwrap_or(node.kind());
                let mut f = Finding::error(
                    "schema",
                    r.file,
                    format!("`status` must be `released`, `planned` or `yanked`, found `{found}`"),
                )
                .at(Some(node.pos));
                if let Some(s) = suggest(found, ["released", "planned", "yanked"]) {
                    f = f.help(format!("did you mean `{s}`?"));
                }
                r.findings.push(f);
                Status::Released
            }
        },
    };
    let yanked = match root.get("yanked") {
        None => {
            if status == Status::Yanked {
                r.schema(
                    root.get("status").map_or(root.pos, |n| n.pos),
                    "a yanked release needs `yanked:` with `date` and `reason`".into(),
                );
            }
            None
        }
        Some(node) => {
            if status != Status::Yanked {
                r.schema(
                    r.pos.at("yanked").unwrap_or(node.pos),
                    "`yanked` is only for a release with `status: yanked`".into(),
                );
            }
            if r.keys(node, YANK_KEYS, "`yanked`", "yanked.").is_some() {
                let date = r.date(node, "date", "`yanked`", "yanked.date", true);
                let reason = r.required_text(node, "reason", "`yanked`", "yanked.reason");
                date.zip(reason).map(|(date, reason)| Yank { date, reason })
            } else {
                None
            }
        }
    };
    let revision = r.text(root, "revision", "revision");
    let taxonomy = r.text(root, "taxonomy", "taxonomy");
    let taxonomy_commit = r.text(root, "taxonomy_commit", "taxonomy_commit");
    let ollama = r.text(root, "ollama", "ollama");
    let notes = r.text(root, "notes", "notes");

    let mut artifacts = Vec::new();
    if let Some(node) = root.get("artifacts") {
        match node.as_seq() {
            None if node.is_null() => {}
            None => r.schema(
                node.pos,
                format!("`artifacts` must be a list, found {}", node.kind()),
            ),
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    if let Some(a) = read_artifact(r, item, i) {
                        artifacts.push(a);
                    }
                }
            }
        }
    }

    let mut evaluations = BTreeMap::new();
    if let Some(node) = root.get("evaluations").filter(|n| !n.is_null()) {
        match node.as_map() {
            None => r.schema(
                node.pos,
                format!(
                    "`evaluations` must be a mapping of metric to number, found {}",
                    node.kind()
                ),
            ),
            Some(entries) => {
                for (key, value) in entries {
                    r.pos.set(format!("evaluations.{}", key.name), value.pos);
                    match value.as_f64() {
                        Some(v) if v.abs() <= MAX_EVALUATION => {
                            evaluations.insert(key.name.clone(), v);
                        }
                        Some(_) => r.schema(
                            value.pos,
                            format!(
                                "evaluation `{}` is `{}`, beyond ±1e15: no score is that large",
                                key.name,
                                value.as_str().unwrap_or_default().trim()
                            ),
                        ),
                        None => {
                            let found = match &value.value {
                                yaml::Value::Scalar { text, plain: true } if !value.is_null() => {
                                    format!("`{}`", text.trim())
                                }
                                _ => value.kind().to_string(),
                            };
                            r.schema(
                                value.pos,
                                format!(
                                    "evaluation `{}` must be a finite number, found {found}",
                                    key.name
                                ),
                            )
                        }
                    }
                }
            }
        }
    }

    Some(Manifest::Release(Release {
        file: r.file.to_string(),
        model: model.to_string(),
        channel: channel.to_string(),
        parsed: None,
        version: version?,
        date: date?,
        summary: summary?,
        title,
        status,
        yanked,
        revision,
        taxonomy,
        taxonomy_commit,
        artifacts,
        ollama,
        evaluations,
        notes,
        pos: std::mem::take(r.pos),
    }))
}

fn read_artifact(r: &mut Reader, item: &Node, i: usize) -> Option<Artifact> {
    let prefix = format!("artifacts.{i}.");
    let what = format!("artifact {}", i + 1);
    r.pos.set(format!("artifacts.{i}"), item.pos);
    r.keys(item, ARTIFACT_KEYS, &what, &prefix)?;
    let format = match item.get("format") {
        None => {
            r.missing(item.pos, &what, "format");
            None
        }
        Some(node) => match node.as_str() {
            Some("safetensors") => Some(Format::Safetensors),
            Some("gguf") => Some(Format::Gguf),
            Some("other") => Some(Format::Other),
            other => {
                r.schema(
                    node.pos,
                    format!(
                        "`format` must be `safetensors`, `gguf` or `other`, found `{}`",
                        other.unwrap_or(node.kind())
                    ),
                );
                None
            }
        },
    };
    let file = r.required_text(item, "file", &what, &format!("{prefix}file"));
    let size = match item.get("size") {
        None => None,
        Some(node) => match node.as_i64() {
            Some(n) => Some(n),
            None => {
                r.schema(
                    node.pos,
                    format!(
                        "`size` must be a whole number of bytes, found {}",
                        node.kind()
                    ),
                );
                None
            }
        },
    };
    let repo = r.text(item, "repo", &format!("{prefix}repo"));
    let revision = r.text(item, "revision", &format!("{prefix}revision"));
    let quantization = r.text(item, "quantization", &format!("{prefix}quantization"));
    let sha256 = r.text(item, "sha256", &format!("{prefix}sha256"));
    Some(Artifact {
        format: format?,
        file: file?,
        repo,
        revision,
        quantization,
        size,
        sha256,
    })
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
        assert_eq!(r.evaluations["mt_bench"], 7.23);
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

    #[test]
    fn versions() {
        use Versioning::*;
        assert!(Version::parse("2024-09-12", Date).is_some());
        assert!(Version::parse("2024-09-12.2", Date).is_some());
        assert!(Version::parse("2024-09-12.1", Date).is_none());
        assert!(Version::parse("2024-09-12.02", Date).is_none());
        assert!(Version::parse("2024-9-12", Date).is_none());
        assert!(Version::parse("1.1.0", Semver).is_some());
        assert_eq!(Version::parse("1.1.0-rc.2", Semver).unwrap().rc(), Some(2));
        assert!(Version::parse("1.1.0-beta.1", Semver).is_none());
        assert!(Version::parse("1.1.0+b1", Semver).is_none());
        assert!(Version::parse("1.10", Semver).is_none());
        assert!(Version::parse("v1.1.0", Semver).is_none());
    }

    #[test]
    fn dates() {
        assert_eq!(
            parse_date("2024-09-16T23:30:00-02:00"),
            NaiveDate::from_ymd_opt(2024, 9, 17)
        );
        assert!(parse_date("2024-02-30").is_none());
        assert!(parse_date("16/09/2024").is_none());
    }
}
