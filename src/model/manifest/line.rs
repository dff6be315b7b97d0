//! The line file, `releases/<model>/<channel>/line-<major>.yaml` (SPEC 10):
//! what the release team says about one major line beyond what its releases
//! show, its end of support, long-term support and a note.
//!
//! ```yaml
//! kind: line
//! major: 1                    # equals the number in the file stem
//! eol: 2025-09-30             # optional; overrides the channel's policy
//! lts: true                   # optional, default false
//! note: |                     # optional markdown
//!   Security fixes only after 2.0.0.
//! ```
//!
//! Part of the model layer.

use chrono::NaiveDate;

use super::{Manifest, Positions, Reader};
use crate::model::diagnostics::Finding;
use crate::model::yaml::Node;

/// A line file as read.
#[derive(Debug, Clone, PartialEq)]
pub struct LineFile {
    /// Path relative to the site root.
    pub file: String,
    pub model: String,
    pub channel: String,
    pub major: u64,
    pub eol: Option<NaiveDate>,
    pub lts: bool,
    /// Markdown.
    pub note: Option<String>,
    pub pos: Positions,
}

impl LineFile {
    pub fn at(&self, field: &str) -> Option<crate::model::yaml::Pos> {
        self.pos.at(field)
    }

    /// A `file-name` finding when the file stem is not `line-<major>`.
    pub fn misnamed(&self, stem: &str) -> Option<Finding> {
        let want = format!("line-{}", self.major);
        (stem != want).then(|| {
            Finding::error(
                "file-name",
                &self.file,
                format!(
                    "the file is named `{stem}` but it is the line file of major {}",
                    self.major
                ),
            )
            .at(self.at("major"))
            .help(format!(
                "name the file `{want}.yaml`, or set `major` to the number in its name"
            ))
        })
    }
}

pub const LINE_KEYS: &[&str] = &["kind", "major", "eol", "lts", "note"];

/// Whether a manifest without `kind` is a line file that forgot it: named
/// `line-<...>.yaml`, with `major` and no `version`.
pub(super) fn without_kind(file: &str, root: &Node) -> bool {
    let stem = file.rsplit('/').next().unwrap_or(file);
    stem.starts_with("line-") && root.get("major").is_some() && root.get("version").is_none()
}

/// The `schema` finding of a line file without `kind` (it is required, so
/// that a release can never be read as a line file by mistake).
pub(super) fn kind_missing(file: &str, at: crate::model::yaml::Pos) -> Finding {
    Finding::error(
        "schema",
        file,
        "a line file is missing the required key `kind`",
    )
    .at(Some(at))
    .help("add `kind: line` as its first line")
}

/// Read a line file's mapping (`kind: line` already seen).
pub(super) fn read(r: &mut Reader, root: &Node, model: &str, channel: &str) -> Option<Manifest> {
    r.keys(root, LINE_KEYS, "a line file", "");
    let major = match root.get("major") {
        None => {
            r.missing(root.pos, "a line file", "major");
            None
        }
        Some(node) => {
            let text = node.as_str().map(str::trim).unwrap_or_default();
            let number = (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
                .then(|| text.parse::<u64>().ok())
                .flatten()
                .filter(|_| node.as_u64().is_some());
            if number.is_none() {
                r.schema(
                    node.pos,
                    format!(
                        "`major` must be the line's major version, a whole number such as 1, found {}",
                        if text.is_empty() {
                            node.kind().to_string()
                        } else {
                            format!("`{text}`")
                        }
                    ),
                );
            }
            number
        }
    };
    let eol = r.date(root, "eol", "a line file", "eol", false);
    let lts = match root.get("lts") {
        None => false,
        Some(node) => node.as_bool().unwrap_or_else(|| {
            r.schema(
                node.pos,
                format!(
                    "`lts` must be `true` or `false`, found {}",
                    node.as_str()
                        .map_or_else(|| node.kind().to_string(), |t| format!("`{}`", t.trim()))
                ),
            );
            false
        }),
    };
    let note = r.text(root, "note", "note");
    Some(Manifest::Line(LineFile {
        file: r.file.to_string(),
        model: model.to_string(),
        channel: channel.to_string(),
        major: major?,
        eol,
        lts,
        note,
        pos: std::mem::take(r.pos),
    }))
}

#[cfg(test)]
mod tests {
    use super::Finding;
    use crate::model::manifest::{Manifest, parse};

    fn line(text: &str) -> (Option<Manifest>, Vec<Finding>) {
        parse("releases/m/versioned/line-1.yaml", text, "m", "versioned")
    }

    #[test]
    fn reads_every_field_with_its_position() {
        let (m, f) = line(
            "kind: line\nmajor: 1\neol: 2025-09-30\nlts: true\nnote: |\n  Security fixes only.\n",
        );
        assert!(f.is_empty(), "{f:?}");
        let Some(Manifest::Line(l)) = m else { panic!() };
        assert_eq!(l.major, 1);
        assert_eq!(l.eol.unwrap().to_string(), "2025-09-30");
        assert!(l.lts);
        assert_eq!(l.note.as_deref(), Some("Security fixes only.\n"));
        assert_eq!(l.at("major").unwrap().line, 2);
        assert_eq!(l.at("eol").unwrap().line, 3);
    }

    #[test]
    fn kind_is_required() {
        let (m, f) = line("major: 1\nlts: true\n");
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!((f[0].code, f[0].line), ("schema", Some(1)));
        assert!(f[0].message.contains("required key `kind`"), "{f:?}");
        assert!(matches!(m, Some(Manifest::Line(_))));
        // A release in a file named like a line file stays a release.
        let (m, _) = line("version: 1.0.0\ndate: 2024-01-01\nsummary: s\n");
        assert!(matches!(m, Some(Manifest::Release(_))));
    }

    #[test]
    fn defaults() {
        let (m, f) = line("kind: line\nmajor: 2\n");
        assert!(f.is_empty(), "{f:?}");
        let Some(Manifest::Line(l)) = m else { panic!() };
        assert_eq!((l.eol, l.lts, l.note), (None, false, None));
    }

    #[test]
    fn schema_findings_name_the_line() {
        let at = |text: &str| -> Vec<(&'static str, Option<usize>, String)> {
            line(text)
                .1
                .into_iter()
                .map(|f| (f.code, f.line, f.message))
                .collect()
        };
        let f = at("kind: line\n");
        assert_eq!(f[0].0, "schema");
        assert!(f[0].2.contains("required key `major`"), "{f:?}");
        for bad in [
            "x",
            "-1",
            "1.5",
            "\"1\"",
            "[1]",
            "1_0",
            "99999999999999999999999",
        ] {
            let f = at(&format!("kind: line\nmajor: {bad}\n"));
            assert_eq!(f.len(), 1, "{bad}: {f:?}");
            assert_eq!((f[0].0, f[0].1), ("schema", Some(2)), "{bad}");
        }
        let f = at("kind: line\nmajor: 1\neol: soon\n");
        assert_eq!((f[0].0, f[0].1), ("schema", Some(3)), "{f:?}");
        let f = at("kind: line\nmajor: 1\nlts: yes\n");
        assert_eq!((f[0].0, f[0].1), ("schema", Some(3)), "{f:?}");
        assert!(f[0].2.contains("`yes`"), "{f:?}");
        let (_, f) = line("kind: line\nmajor: 1\nltss: true\n");
        assert_eq!(f[0].help.as_deref(), Some("did you mean `lts`?"));
        // A control character in the note is a finding; a tab is not.
        let f = at("kind: line\nmajor: 1\nnote: \"a\\tb\\u001b\"\n");
        assert_eq!(f.len(), 1, "{f:?}");
    }
}
