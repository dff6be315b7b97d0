//! The requests of `cadence verify`, in three phases (revisions,
//! `paths-info`, downloads), and the items built from their answers.
//!
//! Part of the commands layer.

use std::collections::{BTreeMap, BTreeSet};

use super::{
    ArtifactCheck, DOWNLOAD_LIMIT, DOWNLOAD_TIMEOUT, Item, PATHS_PER_REQUEST, ReleaseCheck, Report,
    State, Values, Why, judge,
};
use crate::commands::hf::client::{Client, is_commit};
use crate::commands::hf::error::HubError;
use crate::commands::hf::files::PathInfo;
use crate::commands::hf::sync::Event;

/// A repo and a revision.
type At = (String, String);
/// A repo, a revision and a file.
type FileAt = (String, String, String);
/// What a request learned, or why not.
type Learned<T> = Result<T, Why>;

/// Sends requests, reports failures once, and remembers the repos that
/// are missing or unreadable so that they are not asked again.
struct Asker<'a> {
    client: &'a Client,
    on: &'a dyn Fn(Event),
    blocked: BTreeMap<String, Why>,
    failures: usize,
}

impl Asker<'_> {
    fn ask<T>(
        &mut self,
        repo: &str,
        request: impl FnOnce(&Client) -> Result<T, HubError>,
    ) -> Learned<T> {
        if let Some(why) = self.blocked.get(repo) {
            return Err(*why);
        }
        let e = match request(self.client) {
            Ok(v) => return Ok(v),
            Err(e) => e,
        };
        let why = match e {
            HubError::RepoNotFound { .. } => Why::RepoMissing,
            HubError::RevisionNotFound { .. } => Why::RevisionMissing,
            _ => Why::Failed,
        };
        if why == Why::Failed {
            self.fail(e.to_string());
        }
        if e.blocks_repo() {
            self.blocked.insert(repo.to_string(), why);
        }
        Err(why)
    }

    fn fail(&mut self, message: String) {
        (self.on)(Event::Error(message));
        self.failures += 1;
    }
}

/// Check `checks` against the Hub through `client`; `on` hears of the
/// progress and of every failed request.
pub fn run(client: &Client, checks: &[ReleaseCheck], on: &dyn Fn(Event)) -> Report {
    let mut asker = Asker {
        client,
        on,
        blocked: BTreeMap::new(),
        failures: 0,
    };
    let commits = revisions(&mut asker, checks);
    let infos = paths_info(&mut asker, checks, &commits);
    let hashes = downloads(&mut asker, checks, &commits, &infos);
    let mut items = Vec::new();
    for c in checks {
        match &commits[&(c.repo.clone(), c.revision.clone())] {
            Err(why) => items.push(release_item(c, *why)),
            Ok(_) => {
                for a in &c.artifacts {
                    items.push(artifact_item(c, a, &commits, &infos, &hashes));
                }
            }
        }
    }
    Report {
        items,
        failures: asker.failures,
    }
}

/// Where an artifact is read: its revision when that is a commit, else
/// the commit its branch resolves to now.
fn commit_of(a: &ArtifactCheck, commits: &BTreeMap<At, Learned<String>>) -> Learned<String> {
    if is_commit(&a.revision) {
        Ok(a.revision.clone())
    } else {
        commits[&(a.repo.clone(), a.revision.clone())].clone()
    }
}

/// `GET revision` for each release's revision and each branch an artifact
/// names: the commit, or why there is none.
fn revisions(asker: &mut Asker<'_>, checks: &[ReleaseCheck]) -> BTreeMap<At, Learned<String>> {
    let mut wanted: BTreeSet<At> = BTreeSet::new();
    for c in checks {
        wanted.insert((c.repo.clone(), c.revision.clone()));
        for a in c.artifacts.iter().filter(|a| !is_commit(&a.revision)) {
            wanted.insert((a.repo.clone(), a.revision.clone()));
        }
    }
    (asker.on)(Event::Phase {
        name: "revisions",
        steps: wanted.len(),
    });
    let mut commits = BTreeMap::new();
    for (repo, revision) in wanted {
        (asker.on)(Event::Step(format!("{repo} at {revision}")));
        let got = asker
            .ask(&repo, |c| c.commit_of(&repo, &revision))
            .and_then(|c| c.ok_or(Why::RevisionMissing));
        commits.insert((repo, revision), got);
    }
    commits
}

/// One `paths-info` request per repo and commit (per
/// [`PATHS_PER_REQUEST`] paths) for the artifacts of releases whose
/// revision is there: what the Hub has of each path asked.
fn paths_info(
    asker: &mut Asker<'_>,
    checks: &[ReleaseCheck],
    commits: &BTreeMap<At, Learned<String>>,
) -> BTreeMap<At, Learned<BTreeMap<String, PathInfo>>> {
    let mut groups: BTreeMap<At, BTreeSet<String>> = BTreeMap::new();
    for c in checks {
        if commits[&(c.repo.clone(), c.revision.clone())].is_err() {
            continue;
        }
        for a in &c.artifacts {
            if let Ok(at) = commit_of(a, commits) {
                groups
                    .entry((a.repo.clone(), at))
                    .or_default()
                    .insert(a.file.clone());
            }
        }
    }
    (asker.on)(Event::Phase {
        name: "paths-info",
        steps: groups.len(),
    });
    let mut infos = BTreeMap::new();
    for ((repo, at), files) in groups {
        (asker.on)(Event::Step(format!(
            "{} file(s) in {repo} at {at}",
            files.len()
        )));
        let files: Vec<&str> = files.iter().map(String::as_str).collect();
        let mut found = BTreeMap::new();
        let mut outcome = Ok(());
        for chunk in files.chunks(PATHS_PER_REQUEST) {
            match asker.ask(&repo, |c| c.paths_info(&repo, &at, chunk)) {
                Ok(list) => found.extend(list.into_iter().map(|p| (p.path.clone(), p))),
                Err(why) => {
                    outcome = Err(why);
                    break;
                }
            }
        }
        infos.insert((repo, at), outcome.map(|()| found));
    }
    infos
}

/// The file an artifact names, as `paths-info` gave it (`None`: not a file
/// there, or not asked).
fn info_of<'a>(
    a: &ArtifactCheck,
    at: &str,
    infos: &'a BTreeMap<At, Learned<BTreeMap<String, PathInfo>>>,
) -> Option<&'a PathInfo> {
    infos
        .get(&(a.repo.clone(), at.to_string()))?
        .as_ref()
        .ok()?
        .get(&a.file)
        .filter(|p| p.is_file())
}

/// Download and hash each file stored without LFS that is small enough:
/// its sha256, or why there is none (a failure, reported).
fn downloads(
    asker: &mut Asker<'_>,
    checks: &[ReleaseCheck],
    commits: &BTreeMap<At, Learned<String>>,
    infos: &BTreeMap<At, Learned<BTreeMap<String, PathInfo>>>,
) -> BTreeMap<FileAt, Learned<String>> {
    let mut wanted: BTreeMap<FileAt, u64> = BTreeMap::new();
    for a in checks.iter().flat_map(|c| &c.artifacts) {
        let Ok(at) = commit_of(a, commits) else {
            continue;
        };
        if let Some(info) = info_of(a, &at, infos)
            && info.sha256.is_none()
            && info.size <= DOWNLOAD_LIMIT
        {
            wanted.insert((a.repo.clone(), at, a.file.clone()), info.size);
        }
    }
    (asker.on)(Event::Phase {
        name: "downloads",
        steps: wanted.len(),
    });
    let timeout = DOWNLOAD_TIMEOUT.max(asker.client.settings().timeout);
    let mut hashes = BTreeMap::new();
    for ((repo, at, file), size) in wanted {
        (asker.on)(Event::Step(format!("{file} from {repo} ({size} bytes)")));
        let got = asker.ask(&repo, |c| {
            c.download_sha256(&repo, &at, &file, DOWNLOAD_LIMIT, timeout)
        });
        let sha256 = match got {
            Ok(h) if h.size == size => Ok(h.sha256),
            Ok(h) => {
                asker.fail(format!(
                    "the download of {file} from {repo} at {at} was {} bytes, but the Hub's \
                     paths-info says {size}: run again later; if it persists, report it to the Hub",
                    h.size
                ));
                Err(Why::Failed)
            }
            Err(Why::Failed) => Err(Why::Failed),
            Err(_) => {
                asker.fail(format!(
                    "{file} is in {repo} at {at} by its paths-info, but its download was not \
                     found: run again later"
                ));
                Err(Why::Failed)
            }
        };
        hashes.insert((repo, at, file), sha256);
    }
    hashes
}

/// The one item of a release whose own revision is not there (or could
/// not be looked up).
fn release_item(c: &ReleaseCheck, why: Why) -> Item {
    Item {
        model: c.model.clone(),
        channel: c.channel.clone(),
        version: c.version.clone(),
        repo: c.repo.clone(),
        revision: c.revision.clone(),
        commit: None,
        file: None,
        state: if why == Why::Failed {
            State::Unverifiable
        } else {
            State::Missing
        },
        unpinned: !is_commit(&c.revision),
        expected: Values::default(),
        actual: Values::default(),
        manifest: c.manifest.clone(),
        artifact: None,
        why,
    }
}

fn artifact_item(
    c: &ReleaseCheck,
    a: &ArtifactCheck,
    commits: &BTreeMap<At, Learned<String>>,
    infos: &BTreeMap<At, Learned<BTreeMap<String, PathInfo>>>,
    hashes: &BTreeMap<FileAt, Learned<String>>,
) -> Item {
    let unpinned = !is_commit(&a.revision);
    let mut item = Item {
        model: c.model.clone(),
        channel: c.channel.clone(),
        version: c.version.clone(),
        repo: a.repo.clone(),
        revision: a.revision.clone(),
        commit: (!unpinned).then(|| a.revision.clone()),
        file: Some(a.file.clone()),
        state: State::Missing,
        unpinned,
        expected: a.expected.clone(),
        actual: Values::default(),
        manifest: c.manifest.clone(),
        artifact: Some(a.index),
        why: Why::Nothing,
    };
    let gone = |mut item: Item, why: Why| {
        if why != Why::Failed {
            item.commit = None;
        }
        item.state = if why == Why::Failed {
            State::Unverifiable
        } else {
            State::Missing
        };
        item.why = why;
        item
    };
    let at = match commit_of(a, commits) {
        Ok(at) => at,
        Err(why) => return gone(item, why),
    };
    item.commit = Some(at.clone());
    if let Some(Err(why)) = infos.get(&(a.repo.clone(), at.clone())) {
        return gone(item, *why);
    }
    let Some(info) = info_of(a, &at, infos) else {
        item.why = Why::FileMissing;
        return item;
    };
    item.actual.size = Some(info.size);
    item.actual.sha256 = match &info.sha256 {
        Some(sha) => Some(sha.clone()),
        None if info.size > DOWNLOAD_LIMIT => {
            item.why = Why::TooLarge(info.size);
            None
        }
        None => match hashes.get(&(a.repo.clone(), at, a.file.clone())) {
            Some(Ok(sha)) => Some(sha.clone()),
            _ => {
                item.why = Why::Failed;
                None
            }
        },
    };
    item.state = judge(&item.expected, &item.actual);
    item
}
