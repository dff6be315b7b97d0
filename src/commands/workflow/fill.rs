//! `cadence verify --fill`: write what the Hub knows (an artifact's missing
//! `size` or `sha256`, the commit of an unpinned artifact as its `revision`)
//! into a manifest in place, keeping every other byte of it.
//!
//! The file is read with the project's YAML reader ([`crate::model::yaml::parse`]),
//! which keeps the line and column of every key and value; the edit is text:
//! a value replaced where it stands (inside its quotes, if it has any), new
//! keys appended to the artifact's mapping, as lines at the mapping's
//! indentation for a block mapping (with the file's line ends, CRLF
//! included) or as `, key: value` before the `}` of a flow mapping. Nothing
//! else is touched: comments, key order, quoting and blank lines stay.
//!
//! The edited text is read again and must be the same document as before
//! but for the values written; anything else (a style this module cannot
//! edit in place, such as a multi-line value, an anchor, a trailing comma)
//! is refused with the reason, and the file is left alone. A changed file
//! is written atomically: a hidden temporary file in the same folder, with
//! the original's permissions, renamed over it.
//!
//! Part of the commands layer.

use std::io::Write;
use std::path::Path;

use crate::commands::workflow::scaffold::scalar;
use crate::model::yaml::{self, Node, Pos, Value};

/// What to write into one artifact, the `index`-th of `artifacts`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArtifactFill {
    pub index: usize,
    /// The artifact's `file`, checked against the manifest.
    pub file: String,
    /// The commit to pin: replaces `revision`, or adds it.
    pub revision: Option<String>,
    /// Added only where the key is absent.
    pub size: Option<u64>,
    pub sha256: Option<String>,
}

/// One change to the text: `start..end` becomes `text`.
struct Splice {
    start: usize,
    end: usize,
    text: String,
}

/// `text` with `fills` written in; `Ok(None)` when there is nothing to
/// change, `Err` with the reason when it cannot be done safely.
pub fn edit(text: &str, fills: &[ArtifactFill]) -> Result<Option<String>, String> {
    let (bom, body) = match text.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", text),
    };
    let root = match yaml::parse(body) {
        Ok(Some(root)) => root,
        _ => return Err("it is not a YAML mapping that cadence can read".into()),
    };
    let lines = LineStarts::of(body);
    let mut expected = root.clone();
    let mut splices = Vec::new();
    for fill in fills {
        let item = artifact(&root, fill.index)
            .filter(|item| item.get("file").and_then(Node::as_str) == Some(fill.file.as_str()))
            .ok_or_else(|| {
                format!(
                    "artifact {} is not `{}` any more",
                    fill.index + 1,
                    fill.file
                )
            })?;
        let want = artifact_mut(&mut expected, fill.index).ok_or("an artifact is not a mapping")?;
        splices.extend(plan_artifact(body, &lines, item, fill, want)?);
    }
    if splices.is_empty() {
        return Ok(None);
    }
    splices.sort_by_key(|s| std::cmp::Reverse(s.start));
    let mut out = body.to_string();
    for s in splices {
        out.replace_range(s.start..s.end, &s.text);
    }
    match yaml::parse(&out) {
        Ok(Some(node)) if same(&node, &expected) => Ok(Some(format!("{bom}{out}"))),
        _ => Err(
            "the edit would change more than the values written (a style \
                  `--fill` cannot edit in place)"
                .into(),
        ),
    }
}

fn artifact(root: &Node, index: usize) -> Option<&Node> {
    root.get("artifacts")?.as_seq()?.get(index)
}

fn artifact_mut(root: &mut Node, index: usize) -> Option<&mut Vec<(yaml::Key, Node)>> {
    let Value::Map(entries) = &mut root.value else {
        return None;
    };
    let (_, list) = entries.iter_mut().find(|(k, _)| k.name == "artifacts")?;
    let Value::Seq(items) = &mut list.value else {
        return None;
    };
    match &mut items.get_mut(index)?.value {
        Value::Map(m) => Some(m),
        _ => None,
    }
}

/// The splices for one artifact, and the same changes made to `want`, the
/// artifact's entries as they must read afterwards.
fn plan_artifact(
    text: &str,
    lines: &LineStarts,
    item: &Node,
    fill: &ArtifactFill,
    want: &mut Vec<(yaml::Key, Node)>,
) -> Result<Vec<Splice>, String> {
    let entries = item.as_map().ok_or("an artifact is not a mapping")?;
    let mut splices = Vec::new();
    let mut added: Vec<(&str, String)> = Vec::new();
    if let Some(commit) = &fill.revision {
        match item.get("revision") {
            Some(node) if node.as_str() == Some(commit.as_str()) => {}
            Some(node) => {
                let start = lines
                    .offset(text, node.pos)
                    .ok_or("a position outside the file")?;
                let (end, quoted) = scalar_end(text, start, node)?;
                let inner = if quoted {
                    start + 1..end - 1
                } else {
                    start..end
                };
                splices.push(Splice {
                    start: inner.start,
                    end: inner.end,
                    text: commit.clone(),
                });
                set(want, "revision", commit, !quoted);
            }
            None => added.push(("revision", commit.clone())),
        }
    }
    if let (Some(size), None) = (fill.size, item.get("size")) {
        added.push(("size", size.to_string()));
    }
    if let (Some(sha), None) = (&fill.sha256, item.get("sha256")) {
        added.push(("sha256", sha.clone()));
    }
    if added.is_empty() {
        return Ok(splices);
    }
    let (last_key, last) = entries.last().ok_or("an artifact with no keys")?;
    let last_start = lines
        .offset(text, last.pos)
        .ok_or("a position outside the file")?;
    let (last_end, _) = scalar_end(text, last_start, last)
        .map_err(|e| format!("`{}` of an artifact: {e}", last_key.name))?;
    let item_start = lines
        .offset(text, item.pos)
        .ok_or("a position outside the file")?;
    let insertion = if text[item_start..].starts_with('{') {
        let after = text[last_end..].trim_start_matches([' ', '\t', '\r', '\n']);
        if !after.starts_with('}') {
            return Err(
                "an artifact's flow mapping does not end right after its last value".into(),
            );
        }
        let pairs: String = added
            .iter()
            .map(|(k, v)| format!(", {k}: {}", scalar(v)))
            .collect();
        Splice {
            start: last_end,
            end: last_end,
            text: pairs,
        }
    } else {
        let first_key = &entries[0].0;
        let indent = " ".repeat(first_key.pos.column.saturating_sub(1));
        let line_end = lines.line_end(text, last_end);
        let eol = match &text[line_end..] {
            rest if rest.starts_with("\r\n") => "\r\n",
            rest if rest.starts_with('\n') => "\n",
            _ if text.contains("\r\n") => "\r\n",
            _ => "\n",
        };
        let new_lines: String = added
            .iter()
            .map(|(k, v)| format!("{eol}{indent}{k}: {}", scalar(v)))
            .collect();
        Splice {
            start: line_end,
            end: line_end,
            text: new_lines,
        }
    };
    for (k, v) in &added {
        set(want, k, v, !scalar(v).starts_with('"'));
    }
    splices.push(insertion);
    Ok(splices)
}

/// Set (or append) `key` in `want` to a scalar `text`.
fn set(want: &mut Vec<(yaml::Key, Node)>, key: &str, text: &str, plain: bool) {
    let value = Node {
        pos: Pos::default(),
        value: Value::Scalar {
            text: text.to_string(),
            plain,
        },
    };
    match want.iter_mut().find(|(k, _)| k.name == key) {
        Some((_, v)) => *v = value,
        None => want.push((
            yaml::Key {
                name: key.to_string(),
                pos: Pos::default(),
            },
            value,
        )),
    }
}

/// Where the scalar `node`, written at byte `start`, ends, and whether it
/// is quoted. Only a one-piece scalar is accepted: plain as read, or
/// single- or double-quoted.
fn scalar_end(text: &str, start: usize, node: &Node) -> Result<(usize, bool), String> {
    let Value::Scalar { text: value, .. } = &node.value else {
        return Err("its value is a list or mapping".into());
    };
    let rest = &text[start..];
    let quote = rest.chars().next();
    match quote {
        Some(q @ ('\'' | '"')) => {
            let mut chars = rest.char_indices().skip(1);
            while let Some((i, c)) = chars.next() {
                if q == '"' && c == '\\' {
                    chars.next();
                } else if c == q {
                    if q == '\'' && rest[i + 1..].starts_with('\'') {
                        chars.next();
                        continue;
                    }
                    return Ok((start + i + 1, true));
                }
            }
            Err("a quoted value that does not end".into())
        }
        _ if !value.is_empty() && rest.starts_with(value.as_str()) => {
            Ok((start + value.len(), false))
        }
        _ => {
            Err("its value is not written on one line as it reads (a block, anchor or tag)".into())
        }
    }
}

/// Whether two trees hold the same document: keys, order, scalars and
/// their quoting; positions aside.
fn same(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (Value::Scalar { .. }, Value::Scalar { .. }) => a.value == b.value,
        (Value::Seq(x), Value::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((kp, p), (kq, q))| kp.name == kq.name && same(p, q))
        }
        _ => false,
    }
}

/// The byte offset where each line starts.
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn of(text: &str) -> LineStarts {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineStarts(starts)
    }

    /// The byte offset of a 1-based line and character column.
    fn offset(&self, text: &str, pos: Pos) -> Option<usize> {
        let start = *self.0.get(pos.line.checked_sub(1)?)?;
        let line = &text[start..];
        let column = pos.column.checked_sub(1)?;
        match line.char_indices().nth(column) {
            Some((i, _)) => Some(start + i),
            None if line.chars().count() == column => Some(text.len()),
            None => None,
        }
    }

    /// The end of the line holding byte `at`, before its line break.
    fn line_end(&self, text: &str, at: usize) -> usize {
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        if end > at && text[..end].ends_with('\r') {
            end - 1
        } else {
            end
        }
    }
}

/// How filling one file went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filled {
    Changed,
    Unchanged,
    /// Left alone: why it could not be edited safely.
    Refused(String),
}

/// Fill the manifest at `path` of the site at `root` (read whole with the
/// site's one reading function, edited, written atomically). `Err` is an
/// I/O error, naming the path.
pub fn fill_file(root: &Path, path: &Path, fills: &[ArtifactFill]) -> anyhow::Result<Filled> {
    use anyhow::Context as _;
    let meta = std::fs::symlink_metadata(path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    if !meta.file_type().is_file() {
        return Ok(Filled::Refused(
            "it is a symbolic link or not a regular file; fill in its target by hand".into(),
        ));
    }
    let text = match crate::model::read::read_text(root, path, crate::model::read::Kind::Manifest) {
        Ok(text) => text,
        Err(crate::model::read::ReadError::Io(e)) => {
            return Err(e).with_context(|| format!("cannot read {}", path.display()));
        }
        Err(e) => return Ok(Filled::Refused(e.message())),
    };
    match edit(&text, fills) {
        Ok(None) => Ok(Filled::Unchanged),
        Ok(Some(new)) => {
            write_atomically(path, new.as_bytes(), meta.permissions())
                .with_context(|| format!("cannot write {}", path.display()))?;
            Ok(Filled::Changed)
        }
        Err(reason) => Ok(Filled::Refused(reason)),
    }
}

/// Write `bytes` to a hidden temporary file beside `path` and rename it
/// over `path`; on failure the temporary file is removed.
fn write_atomically(
    path: &Path,
    bytes: &[u8],
    permissions: std::fs::Permissions,
) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let mut n = 0u32;
    let (tmp, mut file) = loop {
        let tmp = dir.join(format!(".{name}.fill-{}-{n}.tmp", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 100 => n += 1,
            Err(e) => return Err(e),
        }
    };
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| std::fs::set_permissions(&tmp, permissions))
        .and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

#[cfg(test)]
#[path = "fill_tests.rs"]
mod tests;
