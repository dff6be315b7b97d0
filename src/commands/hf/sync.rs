//! Running a sync: read each repo's refs and check the revisions to tag
//! (read-only, [`prepare`]), then make the changes ([`apply`]) or count
//! what they would be ([`count`]). Progress and errors go to a callback, so
//! the command decides how they are shown.
//!
//! Part of the commands layer.

use std::collections::BTreeMap;
use std::fmt;

use crate::commands::hf::client::Client;
use crate::commands::hf::error::HubError;
use crate::commands::hf::plan::{Action, Row, Wanted, plan_repo};

/// What the run may change.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    pub apply: bool,
    /// Move conflicting tags.
    pub force: bool,
    /// Delete unmanaged tags.
    pub prune: bool,
}

/// Why a tag cannot be synced, found while preparing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The manifest's revision is not a commit of the repo.
    RevisionMissing,
    /// The revision could not be checked (the error was reported).
    CheckFailed,
}

/// One tag of the plan, with what preparing found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub row: Row,
    pub problem: Option<Problem>,
}

impl Entry {
    /// Whether `opts` make this entry change the repo.
    fn changes(&self, opts: Options) -> bool {
        self.problem.is_none()
            && match self.row.action {
                Action::Create => true,
                Action::Conflict => opts.force,
                Action::Unmanaged => opts.prune,
                Action::Ok => false,
            }
    }
}

/// The plan of one repo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoPlan {
    pub repo: String,
    pub entries: Vec<Entry>,
    /// Set when the refs could not be read; `entries` then holds the wanted
    /// tags, none of which can be synced.
    pub unreadable: Option<HubError>,
}

/// The final tally (SPEC 9).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub created: usize,
    pub ok: usize,
    pub moved: usize,
    pub deleted: usize,
    pub conflicts: usize,
    pub failed: usize,
}

impl Counts {
    /// Whether a conflict or failure is left (exit 1).
    pub fn clean(&self) -> bool {
        self.conflicts == 0 && self.failed == 0
    }
    /// Whether anything was (or would be) changed.
    pub fn changes(&self) -> usize {
        self.created + self.moved + self.deleted
    }
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "created {}, ok {}, moved {}, deleted {}, conflicts {}, failed {}",
            self.created, self.ok, self.moved, self.deleted, self.conflicts, self.failed
        )
    }
}

/// What a sync tells the command while it works.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A phase of `steps` steps starts.
    Phase { name: &'static str, steps: usize },
    /// One step of the phase is under way.
    Step(String),
    /// More about the step under way.
    Detail(String),
    /// A change was made.
    Done(String),
    /// Something failed; the message says what to do.
    Error(String),
    /// Something to know that is not a failure.
    Warning(String),
}

fn short(commit: &str) -> &str {
    commit.get(..7).unwrap_or(commit)
}

/// Read each repo's refs and plan it; check that every revision to tag
/// exists. Only read-only requests. `wanted` holds every tag any manifest
/// wants (so that tags of models or channels outside `selected` are not
/// taken for unmanaged); only rows of `selected` wanted tags are kept.
pub fn prepare(
    client: &Client,
    repos: &[String],
    wanted: &[Wanted],
    selected: impl Fn(&Wanted) -> bool,
    opts: Options,
    on: &dyn Fn(Event),
) -> Vec<RepoPlan> {
    on(Event::Phase {
        name: "reading",
        steps: repos.len(),
    });
    let mut plans = Vec::new();
    for repo in repos {
        on(Event::Step(format!("reading the refs of {repo}")));
        let refs = match client.refs(repo) {
            Ok(r) => r,
            Err(e) => {
                on(Event::Error(e.to_string()));
                let entries = wanted
                    .iter()
                    .filter(|w| &w.repo == repo && selected(w))
                    .map(|w| Entry {
                        row: Row {
                            repo: repo.clone(),
                            tag: w.tag.clone(),
                            action: Action::Create,
                            wanted: Some(w.clone()),
                            current: None,
                        },
                        problem: None,
                    })
                    .collect();
                plans.push(RepoPlan {
                    repo: repo.clone(),
                    entries,
                    unreadable: Some(e),
                });
                continue;
            }
        };
        let mut checked: BTreeMap<String, Option<Problem>> = BTreeMap::new();
        let mut entries = Vec::new();
        for row in plan_repo(repo, wanted, &refs) {
            if row.wanted.as_ref().is_some_and(|w| !selected(w)) {
                continue;
            }
            let needs_revision =
                row.action == Action::Create || (row.action == Action::Conflict && opts.force);
            let mut problem = None;
            if let (true, Some(w)) = (needs_revision, &row.wanted) {
                problem = match checked.get(&w.revision) {
                    Some(p) => p.clone(),
                    None => {
                        let p = check_revision(client, w, on);
                        checked.insert(w.revision.clone(), p.clone());
                        p
                    }
                };
            }
            entries.push(Entry { row, problem });
        }
        plans.push(RepoPlan {
            repo: repo.clone(),
            entries,
            unreadable: None,
        });
    }
    plans
}

fn check_revision(client: &Client, w: &Wanted, on: &dyn Fn(Event)) -> Option<Problem> {
    on(Event::Detail(format!(
        "checking revision {} in {}",
        short(&w.revision),
        w.repo
    )));
    match client.revision_exists(&w.repo, &w.revision) {
        Ok(true) => None,
        Ok(false) => {
            let e = HubError::RevisionNotFound {
                repo: w.repo.clone(),
                revision: w.revision.clone(),
            };
            on(Event::Error(format!("{}: {e}", w.file)));
            Some(Problem::RevisionMissing)
        }
        Err(e) => {
            on(Event::Error(format!(
                "{}: cannot check the revision: {e}",
                w.file
            )));
            Some(Problem::CheckFailed)
        }
    }
}

/// What a dry run would do.
pub fn count(plans: &[RepoPlan], opts: Options) -> Counts {
    let mut counts = Counts::default();
    for plan in plans {
        if plan.unreadable.is_some() {
            counts.failed += plan.entries.len().max(1);
            continue;
        }
        for entry in &plan.entries {
            match (entry.row.action, &entry.problem) {
                (Action::Ok, _) => counts.ok += 1,
                (_, Some(_)) => counts.failed += 1,
                (Action::Create, None) => counts.created += 1,
                (Action::Conflict, None) if opts.force => counts.moved += 1,
                (Action::Conflict, None) => counts.conflicts += 1,
                (Action::Unmanaged, None) if opts.prune => counts.deleted += 1,
                (Action::Unmanaged, None) => {}
            }
        }
    }
    counts
}

/// Make the changes the plans call for. One tag failing does not stop the
/// others; after an error that concerns the whole repo (401, 403, repo not
/// found) the repo's remaining changes are skipped and count as failed.
pub fn apply(client: &Client, plans: &[RepoPlan], opts: Options, on: &dyn Fn(Event)) -> Counts {
    let steps = plans
        .iter()
        .filter(|p| p.unreadable.is_none())
        .flat_map(|p| &p.entries)
        .filter(|e| e.changes(opts))
        .count();
    on(Event::Phase {
        name: "syncing",
        steps,
    });
    let mut counts = Counts::default();
    for plan in plans {
        if plan.unreadable.is_some() {
            counts.failed += plan.entries.len().max(1);
            continue;
        }
        let mut blocked = false;
        let mut skipped = 0;
        for entry in &plan.entries {
            if !entry.changes(opts) {
                match (entry.row.action, &entry.problem) {
                    (Action::Ok, _) => counts.ok += 1,
                    (_, Some(_)) => counts.failed += 1,
                    (Action::Conflict, None) => counts.conflicts += 1,
                    _ => {}
                }
                continue;
            }
            if blocked {
                skipped += 1;
                counts.failed += 1;
                continue;
            }
            match change(client, &entry.row, on) {
                Outcome::Created => counts.created += 1,
                Outcome::Moved => counts.moved += 1,
                Outcome::Deleted => counts.deleted += 1,
                Outcome::Conflict => counts.conflicts += 1,
                Outcome::Failed { blocks_repo } => {
                    counts.failed += 1;
                    blocked = blocks_repo;
                }
            }
        }
        if skipped > 0 {
            on(Event::Error(format!(
                "skipped {skipped} more change{} to {} after the error above",
                if skipped == 1 { "" } else { "s" },
                plan.repo
            )));
        }
    }
    counts
}

enum Outcome {
    Created,
    Moved,
    Deleted,
    Conflict,
    Failed { blocks_repo: bool },
}

fn failed(e: &HubError) -> Outcome {
    Outcome::Failed {
        blocks_repo: e.blocks_repo(),
    }
}

/// Make the change of one row (one that [`Entry::changes`]).
fn change(client: &Client, row: &Row, on: &dyn Fn(Event)) -> Outcome {
    match (row.action, &row.wanted) {
        (Action::Create, Some(w)) => {
            on(Event::Step(format!("creating {} on {}", w.tag, w.repo)));
            let outcome = create(client, w, on);
            if let Outcome::Created = outcome {
                on(Event::Done(format!(
                    "created {} on {} at {}",
                    w.tag,
                    w.repo,
                    short(&w.revision)
                )));
            }
            outcome
        }
        (Action::Conflict, Some(w)) => {
            on(Event::Step(format!("moving {} on {}", w.tag, w.repo)));
            match client.delete_tag(&w.repo, &w.tag) {
                Ok(()) | Err(HubError::TagNotFound { .. }) => {}
                Err(e) => {
                    on(Event::Error(format!(
                        "cannot move tag {} ({}): {e}",
                        w.tag, w.file
                    )));
                    return failed(&e);
                }
            }
            match create(client, w, on) {
                Outcome::Created => {
                    let from = row.current.as_deref().map(short).unwrap_or("?");
                    on(Event::Done(format!(
                        "moved {} on {} from {from} to {}",
                        w.tag,
                        w.repo,
                        short(&w.revision)
                    )));
                    Outcome::Moved
                }
                other => other,
            }
        }
        (Action::Unmanaged, _) => {
            on(Event::Step(format!("deleting {} on {}", row.tag, row.repo)));
            match client.delete_tag(&row.repo, &row.tag) {
                // Gone already (a retried delete that had happened): done.
                Ok(()) | Err(HubError::TagNotFound { .. }) => {
                    on(Event::Done(format!("deleted {} on {}", row.tag, row.repo)));
                    Outcome::Deleted
                }
                Err(e) => {
                    on(Event::Error(format!(
                        "cannot delete tag {} on {}: {e}",
                        row.tag, row.repo
                    )));
                    failed(&e)
                }
            }
        }
        // Ok rows change nothing, and wanted rows always have their wish.
        _ => Outcome::Failed { blocks_repo: false },
    }
}

/// Create a wanted tag. A 409 (a retried create that had in fact happened,
/// or someone else's) is checked against the refs: the tag at the right
/// commit counts as created.
fn create(client: &Client, w: &Wanted, on: &dyn Fn(Event)) -> Outcome {
    match client.create_tag(&w.repo, &w.revision, &w.tag, &w.message()) {
        Ok(()) => Outcome::Created,
        Err(HubError::TagExists { .. }) => match client.refs(&w.repo) {
            Ok(refs) => match refs.tag(&w.tag) {
                Some(c) if c.eq_ignore_ascii_case(&w.revision) => Outcome::Created,
                Some(c) => {
                    on(Event::Error(format!(
                        "tag {} on {} was just created at {} by someone else; the manifest {} wants {}: \
                         run again with --force to move it",
                        w.tag,
                        w.repo,
                        short(c),
                        w.file,
                        short(&w.revision)
                    )));
                    Outcome::Conflict
                }
                None => {
                    on(Event::Error(format!(
                        "the Hub says tag {} exists on {} but does not list it; run again",
                        w.tag, w.repo
                    )));
                    Outcome::Failed { blocks_repo: false }
                }
            },
            Err(e) => {
                on(Event::Error(format!(
                    "cannot check tag {} after the Hub said it exists: {e}",
                    w.tag
                )));
                failed(&e)
            }
        },
        Err(e @ HubError::RevisionNotFound { .. }) => {
            on(Event::Error(format!("{}: {e}", w.file)));
            failed(&e)
        }
        Err(e) => {
            on(Event::Error(format!(
                "cannot create tag {} ({}): {e}",
                w.tag, w.file
            )));
            failed(&e)
        }
    }
}

/// The plan as a table: repo, tag, revision, action and a note.
pub fn render_table(plans: &[RepoPlan], opts: Options) -> String {
    let mut lines: Vec<[String; 5]> =
        vec![["REPO", "TAG", "REVISION", "ACTION", "NOTE"].map(String::from)];
    for plan in plans {
        if plan.unreadable.is_some() {
            if plan.entries.is_empty() {
                lines.push([
                    plan.repo.clone(),
                    "-".into(),
                    "-".into(),
                    "failed".into(),
                    "cannot read the refs".into(),
                ]);
            }
            for e in &plan.entries {
                lines.push([
                    plan.repo.clone(),
                    e.row.tag.clone(),
                    short(e.row.revision()).to_string(),
                    "failed".into(),
                    "cannot read the refs".into(),
                ]);
            }
            continue;
        }
        for e in &plan.entries {
            let current = e.row.current.as_deref().map(short).unwrap_or("");
            let note = match (&e.problem, e.row.action) {
                (Some(Problem::RevisionMissing), _) => "failed: revision not in repo".to_string(),
                (Some(Problem::CheckFailed), _) => "failed: cannot check the revision".to_string(),
                (None, Action::Create | Action::Ok) => String::new(),
                (None, Action::Conflict) if opts.force => format!("at {current}; move it"),
                (None, Action::Conflict) => format!("at {current}; --force moves it"),
                (None, Action::Unmanaged) if opts.prune => "no manifest wants it; delete it".into(),
                (None, Action::Unmanaged) => "no manifest wants it; --prune deletes it".into(),
            };
            lines.push([
                plan.repo.clone(),
                e.row.tag.clone(),
                short(e.row.revision()).to_string(),
                e.row.action.as_str().to_string(),
                note,
            ]);
        }
    }
    let mut widths = [0usize; 5];
    for line in &lines {
        for (w, cell) in widths.iter_mut().zip(line) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for line in &lines {
        let mut text = String::new();
        for (i, cell) in line.iter().enumerate() {
            if i + 1 == line.len() {
                text.push_str(cell);
            } else {
                text.push_str(&format!("{cell:<width$}  ", width = widths[i]));
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(tag: &str, action: Action, problem: Option<Problem>) -> Entry {
        let wanted = (action != Action::Unmanaged).then(|| Wanted {
            repo: "org/m".into(),
            tag: tag.into(),
            revision: "a".repeat(40),
            model: "m".into(),
            channel: "versioned".into(),
            version: tag.trim_start_matches('v').into(),
            date: chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
            file: format!("releases/m/versioned/{}.yaml", tag.trim_start_matches('v')),
        });
        let current = match action {
            Action::Create => None,
            Action::Ok => Some("a".repeat(40)),
            _ => Some("b".repeat(40)),
        };
        Entry {
            row: Row {
                repo: "org/m".into(),
                tag: tag.into(),
                action,
                wanted,
                current,
            },
            problem,
        }
    }

    fn plans() -> Vec<RepoPlan> {
        vec![
            RepoPlan {
                repo: "org/m".into(),
                entries: vec![
                    entry("v1.0.0", Action::Ok, None),
                    entry("v1.1.0", Action::Create, None),
                    entry("v1.2.0", Action::Create, Some(Problem::RevisionMissing)),
                    entry("v1.3.0", Action::Conflict, None),
                    entry("old", Action::Unmanaged, None),
                ],
                unreadable: None,
            },
            RepoPlan {
                repo: "org/gone".into(),
                entries: vec![],
                unreadable: Some(HubError::RepoNotFound {
                    repo: "org/gone".into(),
                    endpoint: "x".into(),
                }),
            },
        ]
    }

    #[test]
    fn dry_counts_follow_the_options() {
        let plain = count(&plans(), Options::default());
        assert_eq!(
            plain.to_string(),
            "created 1, ok 1, moved 0, deleted 0, conflicts 1, failed 2"
        );
        assert!(!plain.clean());
        let all = count(
            &plans(),
            Options {
                apply: false,
                force: true,
                prune: true,
            },
        );
        assert_eq!(
            all.to_string(),
            "created 1, ok 1, moved 1, deleted 1, conflicts 0, failed 2"
        );
    }

    #[test]
    fn table_lists_every_tag_with_its_action() {
        let table = render_table(&plans(), Options::default());
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[0].starts_with("REPO"), "{table}");
        assert!(
            lines[1].contains("v1.0.0") && lines[1].contains("aaaaaaa") && lines[1].contains("ok"),
            "{table}"
        );
        assert!(lines[3].contains("revision not in repo"), "{table}");
        assert!(
            lines[4].contains("conflict") && lines[4].contains("at bbbbbbb; --force moves it"),
            "{table}"
        );
        assert!(
            lines[5].contains("unmanaged") && lines[5].contains("--prune deletes it"),
            "{table}"
        );
        assert!(
            lines[6].starts_with("org/gone") && lines[6].contains("failed"),
            "{table}"
        );
    }
}
