//! `cadence verify` (SPEC 11): whether what the manifests promise is on the
//! Hub, read-only.
//!
//! [`plan`] lists, for every released or yanked release of the selection,
//! its revision in the channel repo and each artifact with the repo,
//! revision and values (`size`, `sha256`) the manifest gives. [`run`] asks
//! the Hub through the one [`Client`](crate::commands::hf::Client): `GET revision` for each release's
//! revision and each branch an artifact names (its commit now), one
//! `POST paths-info` per repo and revision (at most [`PATHS_PER_REQUEST`]
//! paths each) for the artifacts, and a download for a file stored without
//! LFS, whose sha256 the Hub does not give. [`judge`] is the comparison;
//! [`Item`] and [`Summary`] are what is shown, as a line or as JSON.
//!
//! An unpinned artifact (its revision a branch, not a commit) is checked at
//! the commit its branch resolves to, so what `--fill` pins is what was
//! checked, even if the branch moves meanwhile.
//!
//! Limits. SPEC 9 refuses an answer over 32 MiB, and every API answer here
//! keeps that cap. The download of a non-LFS file is not held in memory:
//! it is streamed into the hasher as it arrives ([`Client::download_sha256`](crate::commands::hf::Client::download_sha256)),
//! so it takes SPEC 11's limit instead, [`DOWNLOAD_LIMIT`] (50,000,000
//! bytes: a file over it is `unverifiable` without a request, and a
//! download that turns out longer is refused). Each try of a download may
//! take [`DOWNLOAD_TIMEOUT`] (5 minutes, 50 MB at about 1.3 Mbit/s) rather
//! than the 10 s of an API call, or `CADENCE_HF_TIMEOUT_MS` when that is
//! longer; retries, redirects and the token follow SPEC 9 as for every
//! request.
//!
//! A repo that does not exist, or that the token cannot read, is asked
//! once: its other checks take the same answer without a request.
//!
//! Part of the commands layer.

use std::fmt;
use std::time::Duration;

use serde::Serialize;

use crate::site::catalog::Catalog;

/// The largest file without LFS that is downloaded to hash it.
pub const DOWNLOAD_LIMIT: u64 = 50_000_000;
/// How long one try of such a download may take.
pub const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(300);
/// Paths asked in one `paths-info` request.
pub const PATHS_PER_REQUEST: usize = 500;

/// The state of one item (SPEC 11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    Ok,
    Missing,
    SizeMismatch,
    Sha256Mismatch,
    Unverifiable,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Ok => "ok",
            State::Missing => "missing",
            State::SizeMismatch => "size-mismatch",
            State::Sha256Mismatch => "sha256-mismatch",
            State::Unverifiable => "unverifiable",
        }
    }
}

/// A file's size and sha256 (lower-case hex), as far as they are known.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Values {
    pub size: Option<u64>,
    pub sha256: Option<String>,
}

/// Why an item is not plainly what the manifest says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    Nothing,
    RepoMissing,
    RevisionMissing,
    FileMissing,
    /// Stored without LFS and this many bytes, over [`DOWNLOAD_LIMIT`].
    TooLarge(u64),
    /// A request failed after its retries (reported as an error).
    Failed,
}

/// One checked artifact, or a release whose own revision is not there.
/// Serialises to SPEC 11's JSON item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    pub model: String,
    pub channel: String,
    pub version: String,
    pub repo: String,
    pub revision: String,
    pub commit: Option<String>,
    pub file: Option<String>,
    pub state: State,
    pub unpinned: bool,
    pub expected: Values,
    pub actual: Values,
    /// The manifest, relative to the site root.
    #[serde(skip)]
    pub manifest: String,
    /// The artifact's index in the manifest's `artifacts`.
    #[serde(skip)]
    pub artifact: Option<usize>,
    #[serde(skip)]
    pub why: Why,
}

/// One artifact to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArtifactCheck {
    pub index: usize,
    pub repo: String,
    pub revision: String,
    pub file: String,
    pub expected: Values,
}

/// One released or yanked release to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseCheck {
    pub manifest: String,
    pub model: String,
    pub channel: String,
    pub version: String,
    /// The channel repo and the release's revision.
    pub repo: String,
    pub revision: String,
    pub artifacts: Vec<ArtifactCheck>,
}

/// What to check: every released or yanked release of a selected model
/// and channel, in path order, each artifact with its repo and revision
/// after defaults.
pub fn plan(catalog: &Catalog, selected: impl Fn(&str, &str) -> bool) -> Vec<ReleaseCheck> {
    let mut checks = Vec::new();
    for (i, r) in catalog.site.releases.iter().enumerate() {
        let Some(revision) = r.revision.clone() else {
            continue;
        };
        if !r.status.shipped() || !selected(&r.model, &r.channel) {
            continue;
        }
        let artifacts = r
            .artifacts
            .iter()
            .enumerate()
            .map(|(index, a)| {
                let (repo, revision) = catalog.artifact_source(i, a);
                ArtifactCheck {
                    index,
                    repo,
                    revision,
                    file: a.file.clone(),
                    expected: Values {
                        size: a.size.and_then(|n| u64::try_from(n).ok()),
                        sha256: a.sha256.as_ref().map(|s| s.to_ascii_lowercase()),
                    },
                }
            })
            .collect();
        checks.push(ReleaseCheck {
            manifest: r.file.clone(),
            model: r.model.clone(),
            channel: r.channel.clone(),
            version: r.version.clone(),
            repo: catalog.info[i].repo.clone(),
            revision,
            artifacts,
        });
    }
    checks
}

/// The state of a file the Hub has, from the values the manifest gives
/// (`expected`) and what the Hub said (`actual`; its `sha256` is `None`
/// when it could not be learned). A known difference wins over not knowing;
/// a size difference over a sha256 difference.
pub fn judge(expected: &Values, actual: &Values) -> State {
    let size_differs = matches!((expected.size, actual.size), (Some(e), Some(a)) if e != a);
    let sha_differs = matches!(
        (&expected.sha256, &actual.sha256),
        (Some(e), Some(a)) if !e.eq_ignore_ascii_case(a)
    );
    if size_differs {
        State::SizeMismatch
    } else if sha_differs {
        State::Sha256Mismatch
    } else if actual.sha256.is_none() {
        State::Unverifiable
    } else {
        State::Ok
    }
}

/// What came of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub items: Vec<Item>,
    /// Requests that failed after their retries (each reported).
    pub failures: usize,
}

/// The last line of the human output, and `summary` in JSON.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub ok: usize,
    pub missing: usize,
    pub mismatched: usize,
    pub unverifiable: usize,
    pub unpinned: usize,
}

impl Summary {
    pub fn of(items: &[Item]) -> Summary {
        let mut s = Summary::default();
        for item in items {
            match item.state {
                State::Ok => s.ok += 1,
                State::Missing => s.missing += 1,
                State::SizeMismatch | State::Sha256Mismatch => s.mismatched += 1,
                State::Unverifiable => s.unverifiable += 1,
            }
            s.unpinned += usize::from(item.unpinned);
        }
        s
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ok {}, missing {}, mismatched {}, unverifiable {}, unpinned {}",
            self.ok, self.missing, self.mismatched, self.unverifiable, self.unpinned
        )
    }
}

impl Report {
    pub fn summary(&self) -> Summary {
        Summary::of(&self.items)
    }

    /// Exit 1 when anything is missing or mismatched or a request failed.
    pub fn clean(&self) -> bool {
        let s = self.summary();
        self.failures == 0 && s.missing == 0 && s.mismatched == 0
    }

    /// SPEC 11's JSON document.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "artifacts": self.items, "summary": self.summary() })
    }
}

/// The human line of an item that is not plainly `ok`.
pub fn line(item: &Item) -> Option<String> {
    if item.state == State::Ok && !item.unpinned {
        return None;
    }
    let subject = match &item.file {
        Some(file) => format!("{file} in {} at {}", item.repo, item.revision),
        None => format!("revision {} of {}", item.revision, item.repo),
    };
    let (e, a) = (&item.expected, &item.actual);
    let what = match (item.state, item.why) {
        (State::Missing, Why::RepoMissing) => format!("repo {} not found", item.repo),
        (State::Missing, _) if item.file.is_none() => "not found".to_string(),
        (State::Missing, Why::RevisionMissing) => {
            format!("revision {} not found in {}", item.revision, item.repo)
        }
        (State::Missing, _) => format!("no such file in {} at {}", item.repo, item.revision),
        (State::SizeMismatch, _) => format!(
            "size {} in the manifest, {} on the Hub",
            shown(&e.size),
            shown(&a.size)
        ),
        (State::Sha256Mismatch, _) => format!(
            "sha256 {} in the manifest, {} on the Hub",
            shown(&e.sha256),
            shown(&a.sha256)
        ),
        (State::Unverifiable, Why::TooLarge(size)) => format!(
            "stored without LFS, so the Hub gives no sha256, and {size} bytes, \
             over the {DOWNLOAD_LIMIT} cadence downloads to hash"
        ),
        (State::Unverifiable, _) => "a request to the Hub failed (see the error)".to_string(),
        (State::Ok, _) => String::new(),
    };
    let mut text = format!("{}: {}: {subject}", item.state.as_str(), item.manifest);
    if !what.is_empty() {
        text.push_str(": ");
        text.push_str(&what);
    }
    if item.unpinned {
        let now = match &item.commit {
            Some(c) => format!("{} is commit {c} now", item.revision),
            None => format!("{} resolves to no commit", item.revision),
        };
        let label = if item.state == State::Ok {
            ": unpinned: "
        } else {
            "; unpinned: "
        };
        text.push_str(label);
        text.push_str(&now);
        if item.state == State::Ok && item.commit.is_some() {
            text.push_str("; `cadence verify --fill` pins it");
        }
    }
    Some(text)
}

fn shown<T: fmt::Display>(v: &Option<T>) -> String {
    v.as_ref()
        .map_or_else(|| "unknown".to_string(), ToString::to_string)
}

mod run;
pub use run::run;

#[cfg(test)]
mod tests;
