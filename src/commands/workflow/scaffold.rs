//! The text of the manifests `cadence new` writes: every field with a
//! comment that says what it is, prefilled from the previous release.
//!
//! A blank is a key with no value followed by `# TODO ...`. YAML reads it as
//! null, which `cadence check` reports (`schema`: "`revision` is empty")
//! until it is filled in or, where the comment says it is optional, the line
//! is removed. So a half-filled manifest can never pass `check` or be built.
//!
//! Part of the commands layer.

use chrono::NaiveDate;

use super::suggest::ReleasePlan;
use super::suggest::skip::SkipPlan;
use crate::model::config::{Channel, Model};
use crate::model::manifest::Release;
use crate::model::version::{Version, Versioning};
use crate::site::catalog::Catalog;

mod line;
pub use line::line;

/// A manifest to write, and the blanks left in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scaffold {
    pub text: String,
    /// Field path and 1-based line of each blank.
    pub blanks: Vec<(String, usize)>,
}

/// The column comments after a value start at.
const COMMENT_COLUMN: usize = 24;

/// A YAML scalar for `text`: plain where that reads back as the same text,
/// else double-quoted (a JSON string is a YAML double-quoted scalar).
pub fn scalar(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._/-+:@".contains(c))
        && text
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && !text.ends_with(':')
        && !text.contains(": ")
        && !matches!(
            text.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        );
    if plain {
        text.to_string()
    } else {
        serde_json::to_string(text).expect("a string serialises")
    }
}

struct Doc {
    lines: Vec<String>,
    blanks: Vec<(String, usize)>,
}

impl Doc {
    fn new() -> Doc {
        Doc {
            lines: Vec::new(),
            blanks: Vec::new(),
        }
    }

    fn raw(&mut self, line: impl Into<String>) {
        self.lines.push(line.into());
    }

    /// `# text`, wrapped at 78 columns.
    fn comment(&mut self, text: &str) {
        for line in super::plain::wrap(&format!("# {text}"), 78)
            .lines()
            .map(|l| {
                if l.starts_with('#') {
                    l.to_string()
                } else {
                    format!("# {}", l.trim_start())
                }
            })
            .collect::<Vec<_>>()
        {
            self.lines.push(line);
        }
    }

    fn with_comment(&mut self, code: String, comment: &str) {
        if comment.is_empty() {
            self.lines.push(code);
        } else {
            let pad = COMMENT_COLUMN.saturating_sub(code.chars().count()).max(2);
            self.lines
                .push(format!("{code}{}# {comment}", " ".repeat(pad)));
        }
    }

    fn field(&mut self, key: &str, value: &str, comment: &str) {
        let code = if value.is_empty() {
            format!("{key}:")
        } else {
            format!("{key}: {value}")
        };
        self.with_comment(code, comment);
    }

    /// `key:` with no value: a blank to fill in.
    fn blank(&mut self, key: &str, path: &str, comment: &str) {
        self.with_comment(format!("{key}:"), &format!("TODO {comment}"));
        self.blanks.push((path.to_string(), self.lines.len()));
    }

    fn finish(self) -> Scaffold {
        let mut text = self.lines.join("\n");
        text.push('\n');
        Scaffold {
            text,
            blanks: self.blanks,
        }
    }
}

/// The version with `-` removed, as tag templates' `{compact}`.
fn compact(version: &str) -> String {
    version.replace('-', "")
}

/// `text` with the previous release's version, compact version and tag
/// replaced by the new one's; `None` when it names none of them.
fn carry_over(text: &str, prev: &Release, version: &str, channel: &Channel) -> Option<String> {
    let prev_tag = channel.render_tag(&prev.version);
    let new_tag = channel.render_tag(version);
    let pairs = [
        (prev_tag, new_tag),
        (prev.version.clone(), version.to_string()),
        (compact(&prev.version), compact(version)),
    ];
    let hit = pairs
        .iter()
        .find(|(old, _)| !old.is_empty() && text.contains(old.as_str()))?;
    Some(text.replace(hit.0.as_str(), &hit.1))
}

fn is_commit(s: &str) -> bool {
    s.len() >= 7 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A release manifest for `plan`.
pub fn release(
    catalog: &Catalog,
    model: &Model,
    channel: &Channel,
    plan: &ReleasePlan,
) -> Scaffold {
    let prev = plan.from.map(|i| catalog.release(i));
    let repo = model.repos.get(&channel.name).cloned().unwrap_or_default();
    let today = catalog.today;
    let mut d = Doc::new();

    header(&mut d, model, channel, plan, prev, today);

    let version_note = if plan.parsed.is_candidate() {
        "equals the file name; -rc.N marks a candidate".to_string()
    } else {
        "equals the file name".to_string()
    };
    d.field("version", &scalar(&plan.version), &version_note);
    let date_note = match channel.versioning {
        Versioning::Date => "the build's day; the version carries it",
        Versioning::Semver => "YYYY-MM-DD, or an RFC 3339 date-time",
    };
    d.field("date", &plan.date.to_string(), date_note);
    d.blank(
        "summary",
        "summary",
        "one line of plain text: what is new, for feeds and the mail",
    );
    d.raw(format!(
        "# title: {} {}   # optional; this is the default",
        model.title, plan.version
    ));

    if plan.planned {
        d.field(
            "status",
            "planned",
            "dated after today: upcoming, in no feed until released",
        );
        d.comment(
            "When it ships: set `status: released`, add `revision` (the Hugging Face commit, 40 hex), and the artifacts and evaluations; `cadence new` never overwrites, so edit this file.",
        );
        d.raw("# revision: 0123456789abcdef0123456789abcdef01234567");
        notes(&mut d);
        return d.finish();
    }
    d.raw("# status: released      # released (default) | planned | yanked");

    let promoted = prev.filter(|_| plan.promotion);
    match promoted.and_then(|p| p.revision.as_ref()) {
        Some(rev) => d.field(
            "revision",
            &scalar(rev),
            "the last candidate's commit: a final promotes it (promote-revision)",
        ),
        None => d.blank(
            "revision",
            "revision",
            &format!("the commit of {repo} on Hugging Face that is this release (40 hex)"),
        ),
    }

    taxonomy(&mut d, prev, promoted.is_some());

    artifacts(
        &mut d,
        prev,
        promoted.is_some(),
        &plan.version,
        channel,
        &repo,
    );

    match prev.and_then(|p| p.ollama.as_ref()) {
        Some(name) => match (
            promoted,
            carry_over(name, prev.expect("some"), &plan.version, channel),
        ) {
            (_, Some(new)) => d.field(
                "ollama",
                &scalar(&new),
                "Ollama name; check that it is pushed",
            ),
            (Some(_), None) | (None, None) => d.field(
                "ollama",
                &scalar(name),
                "Ollama name, as the previous release's",
            ),
        },
        None => d.raw("# ollama: namespace/model:tag   # optional Ollama name"),
    }

    evaluations(
        &mut d,
        catalog,
        prev,
        promoted.is_some(),
        &plan.parsed,
        channel,
    );
    notes(&mut d);
    d.finish()
}

/// The comments that open a release manifest: what it is, where its
/// values came from, and how to fill it in.
fn header(
    d: &mut Doc,
    model: &Model,
    channel: &Channel,
    plan: &ReleasePlan,
    prev: Option<&Release>,
    today: NaiveDate,
) {
    let what = match (&plan.parsed, channel.versioning) {
        (v, _) if v.is_candidate() => format!("Release candidate {}", plan.version),
        (_, Versioning::Date) => format!("Build {}", plan.version),
        _ => format!("Release {}", plan.version),
    };
    d.comment(&format!(
        "{what} of {} on the {} channel.",
        model.title, channel.title
    ));
    let source = match (prev, plan.promotion) {
        (Some(p), true) => format!(
            ", promoted from {}: the build's fields are copied",
            p.version
        ),
        (Some(p), false) => format!(", prefilled from {}", p.version),
        (None, _) => String::new(),
    };
    d.comment(&format!(
        "Written by `cadence new release` on {today}{source}."
    ));
    d.comment(
        "A key followed by `# TODO` has no value yet: fill it in, or remove the line where the comment says the field is optional. `cadence check` reports every blank until then. All fields: `cadence schema`.",
    );
    d.raw("");
}

/// Taxonomy: the build's, so copied on promotion (`promoted`), else a
/// blank where the previous release had one.
fn taxonomy(d: &mut Doc, prev: Option<&Release>, promoted: bool) {
    for (key, note, value) in [
        (
            "taxonomy",
            "the taxonomy branch it was built from",
            prev.and_then(|p| p.taxonomy.clone()),
        ),
        (
            "taxonomy_commit",
            "the taxonomy commit (7 to 40 hex)",
            prev.and_then(|p| p.taxonomy_commit.clone()),
        ),
    ] {
        match (value, promoted) {
            (Some(v), true) => d.field(key, &scalar(&v), "the candidate's"),
            (Some(v), false) => d.blank(
                key,
                key,
                &format!("{note} (the previous release's: {v}); optional, remove if none"),
            ),
            (None, _) => d.raw(format!(
                "# {key}: {}   # optional: {note}",
                if key == "taxonomy" {
                    "cmb-run-YYYY-MM-DD"
                } else {
                    "8529256a"
                }
            )),
        }
    }
}

fn artifacts(
    d: &mut Doc,
    prev: Option<&Release>,
    promoted: bool,
    version: &str,
    channel: &Channel,
    repo: &str,
) {
    let Some(prev) = prev.filter(|p| !p.artifacts.is_empty()) else {
        d.comment(&format!(
            "artifacts: files to download beside the safetensors of {repo}; optional. For example:"
        ));
        d.raw("# artifacts:");
        d.raw("#   - format: gguf            # safetensors | gguf | other");
        d.raw("#     file: model-Q4_K_M.gguf");
        d.raw("#     repo: owner/model-GGUF  # default: the channel's repo");
        d.raw("#     quantization: Q4_K_M    # required for gguf");
        d.raw("#     size: 4080218931        # bytes");
        d.raw("#     sha256: <64 hex>");
        return;
    };
    d.field(
        "artifacts",
        "",
        if promoted {
            "the candidate's files: the same build"
        } else {
            "the previous release's files; check the names"
        },
    );
    for (n, a) in prev.artifacts.iter().enumerate() {
        let path = |f: &str| format!("artifacts.{n}.{f}");
        let file = if promoted {
            a.file.clone()
        } else {
            carry_over(&a.file, prev, version, channel).unwrap_or_else(|| a.file.clone())
        };
        d.field(
            "  - format",
            a.format.as_str(),
            "safetensors | gguf | other",
        );
        d.field("    file", &scalar(&file), "");
        if let Some(r) = &a.repo {
            d.field("    repo", &scalar(r), "default: the channel's repo");
        }
        match &a.revision {
            Some(rev) if promoted || !is_commit(rev) => d.field("    revision", &scalar(rev), ""),
            Some(_) => d.blank(
                "    revision",
                &path("revision"),
                "the commit with this build; or remove the line for `main`",
            ),
            None => {}
        }
        if let Some(q) = &a.quantization {
            d.field("    quantization", &scalar(q), "");
        }
        match (a.size, promoted) {
            (Some(size), true) => d.field("    size", &size.to_string(), "bytes"),
            (Some(_), false) => d.blank("    size", &path("size"), "bytes; optional"),
            (None, _) => {}
        }
        match (&a.sha256, promoted) {
            (Some(sha), true) => d.field("    sha256", &scalar(sha), ""),
            (Some(_), false) => d.blank("    sha256", &path("sha256"), "64 hex; optional"),
            (None, _) => {}
        }
    }
}

fn evaluations(
    d: &mut Doc,
    catalog: &Catalog,
    prev: Option<&Release>,
    promoted: bool,
    version: &Version,
    channel: &Channel,
) {
    let mut metrics: Vec<String> = prev
        .map(|p| p.evaluations.keys().cloned().collect())
        .unwrap_or_default();
    if !version.is_candidate() {
        metrics.extend(channel.gates.keys().cloned());
    }
    metrics.sort();
    metrics.dedup();
    if metrics.is_empty() {
        d.raw("# evaluations:           # optional: metric -> number");
        d.raw("#   mt_bench: 7.23");
        return;
    }
    let note = if channel.gates.is_empty() || version.is_candidate() {
        "metric -> number".to_string()
    } else {
        "metric -> number; the channel's gates apply to finals".to_string()
    };
    d.field("evaluations", "", &note);
    for m in metrics {
        let title = catalog.config.metric_title(&m);
        let gate = channel.gates.get(&m).map(|g| match (g.min, g.max) {
            (Some(lo), Some(hi)) => format!("gate {lo} to {hi}"),
            (Some(lo), None) => format!("gate >= {lo}"),
            (None, Some(hi)) => format!("gate <= {hi}"),
            (None, None) => String::new(),
        });
        let previous = prev
            .and_then(|p| p.evaluations.get(&m))
            .map(|v| format!("{v} in {}", prev.expect("some").version));
        let about: Vec<String> = gate
            .filter(|g| !g.is_empty())
            .into_iter()
            .chain(previous.map(|p| format!("was {p}")))
            .collect();
        let about = if about.is_empty() {
            title.to_string()
        } else {
            format!("{title} ({})", about.join("; "))
        };
        let key = format!("  {}", scalar(&m));
        match (promoted, prev.and_then(|p| p.evaluations.get(&m))) {
            (true, Some(v)) => d.field(
                &key,
                v.text(),
                &format!("{title}, as measured on the candidate"),
            ),
            _ => d.blank(
                &key,
                &format!("evaluations.{m}"),
                &format!("{about}; remove if not measured"),
            ),
        }
    }
}

fn notes(d: &mut Doc) {
    d.raw("# notes: |               # optional release notes, markdown");
    d.raw("#   ## What's new");
    d.raw("#   - ...");
}

/// A skip manifest for `plan`.
pub fn skip(model: &Model, channel: &Channel, plan: &SkipPlan, today: NaiveDate) -> Scaffold {
    let notice = channel.schedule.as_ref().map_or(0, |r| r.skip_notice_days);
    let mut d = Doc::new();
    d.comment(&format!(
        "A skip of the {} slot of {} on the {} channel: no release in its window, {} to {}.",
        plan.slot.date, model.title, channel.title, plan.slot.window_start, plan.slot.window_end
    ));
    d.comment(&format!(
        "Written by `cadence new skip` on {today}. The `reason` is blank: `cadence check` reports it until it is filled in."
    ));
    d.raw("");
    d.field("kind", "skip", "");
    d.field(
        "slot",
        &plan.slot.date.to_string(),
        "the slot's date; equals the file name",
    );
    d.field(
        "announced",
        &plan.announced.to_string(),
        &format!("the day it is announced on the list: {notice}+ days before the slot"),
    );
    d.blank(
        "reason",
        "reason",
        "why there is no release, in markdown. For example:",
    );
    d.raw("#   reason: |");
    d.raw("#     Nothing merged into the taxonomy since the last release passed the gates.");
    d.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_read_back_as_written() {
        assert_eq!(scalar("Q4_K_M"), "Q4_K_M");
        assert_eq!(
            scalar("instructlab/granite-7b-lab:release-20240912"),
            "instructlab/granite-7b-lab:release-20240912"
        );
        assert_eq!(scalar("a b"), "\"a b\"");
        assert_eq!(scalar("yes"), "\"yes\"");
        assert_eq!(scalar("#x"), "\"#x\"");
        assert_eq!(scalar("-x"), "\"-x\"");
    }
}
