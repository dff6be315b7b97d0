//! Reading one manifest's mapping into a [`Release`] or a [`Skip`]: unknown,
//! missing and mistyped keys are `schema` findings at their line, and the
//! position of every field is kept for later rules.
//!
//! Part of the model layer.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{
    ARTIFACT_KEYS, Artifact, Format, MAX_EVALUATION, Manifest, Positions, RELEASE_KEYS, Release,
    SKIP_KEYS, Score, Skip, Status, YANK_KEYS, Yank,
};
use crate::model::diagnostics::{Finding, suggest};
use crate::model::version::{parse_date, parse_time};
use crate::model::yaml::{self, Node, Pos};

/// Reads one mapping, reporting unknown keys, missing keys and wrong types.
pub(super) struct Reader<'a> {
    pub(super) file: &'a str,
    pub(super) findings: &'a mut Vec<Finding>,
    pub(super) pos: &'a mut Positions,
}

impl Reader<'_> {
    pub(super) fn schema(&mut self, pos: Pos, message: String) {
        self.findings
            .push(Finding::error("schema", self.file, message).at(Some(pos)));
    }

    /// Check the keys of `map` against `known`; returns the map's entries.
    pub(super) fn keys<'n>(
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

    pub(super) fn missing(&mut self, at: Pos, what: &str, key: &str) {
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
    pub(super) fn text(&mut self, map: &Node, key: &str, path: &str) -> Option<String> {
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

    pub(super) fn date(
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
pub(super) fn read_skip(
    r: &mut Reader,
    root: &Node,
    model: &str,
    channel: &str,
) -> Option<Manifest> {
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

pub(super) fn read_release(
    r: &mut Reader,
    root: &Node,
    model: &str,
    channel: &str,
) -> Option<Manifest> {
    r.keys(root, RELEASE_KEYS, "a release", "");
    let version = r.required_text(root, "version", "a release", "version");
    let date = r.date(root, "date", "a release", "date", true);
    let time = root
        .get("date")
        .and_then(|n| n.as_str())
        .and_then(|t| parse_time(t.trim()));
    let summary = r.required_text(root, "summary", "a release", "summary");
    // A summary spanning lines is a finding of the text check.
    if let (Some(s), Some(node)) = (&summary, root.get("summary"))
        && s.trim().is_empty()
    {
        r.schema(node.pos, "`summary` is empty".into());
    }
    let title = r.text(root, "title", "title");
    let status = read_status(r, root);
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

    let evaluations = read_evaluations(r, root);

    Some(Manifest::Release(Release {
        file: r.file.to_string(),
        model: model.to_string(),
        channel: channel.to_string(),
        parsed: None,
        version: version?,
        date: date?,
        time,
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

/// `status`: `released` when absent.
fn read_status(r: &mut Reader, root: &Node) -> Status {
    match root.get("status") {
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
    }
}

/// `evaluations`: metric to a finite number within ±[`MAX_EVALUATION`].
fn read_evaluations(r: &mut Reader, root: &Node) -> BTreeMap<String, Score> {
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
                            evaluations.insert(
                                key.name.clone(),
                                Score::written(v, value.as_str().unwrap_or_default()),
                            );
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
    evaluations
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
