//! The sync plan: which tags each channel repo should have, and per tag
//! what to do about it. Pure: no requests, no printing.
//!
//! Part of the commands layer.

use chrono::NaiveDate;

use crate::commands::hf::client::Refs;
use crate::model::config::Config;
use crate::model::manifest::Release;

/// A tag a manifest wants on its channel repo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    pub repo: String,
    pub tag: String,
    /// The release's commit, lowercase.
    pub revision: String,
    pub model: String,
    pub channel: String,
    pub version: String,
    pub date: NaiveDate,
    /// The manifest, relative to the site root.
    pub file: String,
}

impl Wanted {
    /// The message of the tag when cadence creates it.
    pub fn message(&self) -> String {
        format!("cadence: {} {} {}", self.model, self.channel, self.version)
    }
}

/// What a tag needs (SPEC 9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    /// Wanted and missing.
    Create,
    /// Wanted and present at the wanted commit.
    Ok,
    /// Wanted and present at another commit.
    Conflict,
    /// Present, and no manifest wants it.
    Unmanaged,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Ok => "ok",
            Action::Conflict => "conflict",
            Action::Unmanaged => "unmanaged",
        }
    }
}

/// One tag of one repo in the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub repo: String,
    pub tag: String,
    pub action: Action,
    /// The manifest's wish; `None` for an unmanaged tag.
    pub wanted: Option<Wanted>,
    /// Where the tag points on the repo now, if it exists.
    pub current: Option<String>,
}

impl Row {
    /// The commit the row is about: the wanted one, else the current one.
    pub fn revision(&self) -> &str {
        self.wanted
            .as_ref()
            .map(|w| w.revision.as_str())
            .or(self.current.as_deref())
            .unwrap_or("")
    }
}

/// Every tag the manifests want: one per released or yanked release (never a
/// planned one), the channel's tag template on the model's channel repo, at
/// the release's revision. Sorted by repo, then date and version.
pub fn wanted_tags(config: &Config, releases: &[Release]) -> Vec<Wanted> {
    let mut wanted: Vec<Wanted> = releases
        .iter()
        .filter(|r| r.status.shipped())
        .filter_map(|r| {
            let channel = config.channels.get(&r.channel)?;
            let repo = config.models.get(&r.model)?.repos.get(&r.channel)?;
            let revision = r.revision.as_deref()?.trim().to_ascii_lowercase();
            Some(Wanted {
                repo: repo.clone(),
                tag: channel.render_tag(&r.version),
                revision,
                model: r.model.clone(),
                channel: r.channel.clone(),
                version: r.version.clone(),
                date: r.date,
                file: r.file.clone(),
            })
        })
        .collect();
    wanted.sort_by(|a, b| {
        (&a.repo, a.date, &a.model, &a.channel, &a.version)
            .cmp(&(&b.repo, b.date, &b.model, &b.channel, &b.version))
    });
    wanted
}

/// The plan for one repo: `wanted` are all the tags any manifest wants on
/// it (those of models or channels left out of this run included, so that
/// they are not taken for unmanaged), `refs` what the repo has. Wanted tags
/// come first in the order given, then unmanaged ones by name.
pub fn plan_repo(repo: &str, wanted: &[Wanted], refs: &Refs) -> Vec<Row> {
    let mut rows: Vec<Row> = wanted
        .iter()
        .filter(|w| w.repo == repo)
        .map(|w| {
            let current = refs.tag(&w.tag).map(str::to_string);
            let action = match &current {
                None => Action::Create,
                Some(c) if c.eq_ignore_ascii_case(&w.revision) => Action::Ok,
                Some(_) => Action::Conflict,
            };
            Row {
                repo: repo.to_string(),
                tag: w.tag.clone(),
                action,
                wanted: Some(w.clone()),
                current,
            }
        })
        .collect();
    let mut unmanaged: Vec<Row> = refs
        .tags
        .iter()
        .filter(|t| !wanted.iter().any(|w| w.repo == repo && w.tag == t.name))
        .map(|t| Row {
            repo: repo.to_string(),
            tag: t.name.clone(),
            action: Action::Unmanaged,
            wanted: None,
            current: Some(t.target_commit.clone()),
        })
        .collect();
    unmanaged.sort_by(|a, b| a.tag.cmp(&b.tag));
    rows.append(&mut unmanaged);
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::hf::client::GitRef;

    const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    fn config() -> Config {
        crate::model::config::parse(
            r#"
title = "t"
base_url = "https://example.org/"
[author]
name = "a"
[channels.stream]
versioning = "date"
tag = "release-{compact}"
[channels.versioned]
versioning = "semver"
tag = "v{version}"
[models.m]
title = "M"
[models.m.repos]
stream = "org/m-stream"
versioned = "org/m"
"#,
        )
        .unwrap()
    }

    fn release(channel: &str, version: &str, date: &str, extra: &str) -> Release {
        let file = format!("releases/m/{channel}/{version}.yaml");
        let text = format!("version: {version}\ndate: {date}\nsummary: s\n{extra}");
        match crate::model::manifest::parse(&file, &text, "m", channel).0 {
            Some(crate::model::manifest::Manifest::Release(r)) => r,
            other => panic!("not a release: {other:?}"),
        }
    }

    fn refs(tags: &[(&str, &str)]) -> Refs {
        Refs {
            branches: vec![GitRef {
                name: "main".into(),
                reference: "refs/heads/main".into(),
                target_commit: A.into(),
            }],
            converts: vec![],
            tags: tags
                .iter()
                .map(|(n, c)| GitRef {
                    name: n.to_string(),
                    reference: format!("refs/tags/{n}"),
                    target_commit: c.to_string(),
                })
                .collect(),
        }
    }

    #[test]
    fn wanted_tags_of_shipped_releases_only() {
        let releases = vec![
            release(
                "versioned",
                "1.1.0",
                "2025-03-01",
                &format!("revision: {}\n", B.to_uppercase()),
            ),
            release(
                "versioned",
                "1.0.0",
                "2025-01-10",
                &format!("revision: {A}\n"),
            ),
            release(
                "versioned",
                "1.0.1",
                "2025-02-01",
                &format!(
                    "revision: {A}\nstatus: yanked\nyanked:\n  date: 2025-02-02\n  reason: bad\n"
                ),
            ),
            release("versioned", "1.2.0", "2026-06-01", "status: planned\n"),
            release(
                "stream",
                "2025-01-02.2",
                "2025-01-02",
                &format!("revision: {A}\n"),
            ),
        ];
        let wanted = wanted_tags(&config(), &releases);
        let got: Vec<(&str, &str, &str)> = wanted
            .iter()
            .map(|w| (w.repo.as_str(), w.tag.as_str(), w.revision.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("org/m", "v1.0.0", A),
                ("org/m", "v1.0.1", A),
                ("org/m", "v1.1.0", B),
                ("org/m-stream", "release-20250102.2", A),
            ]
        );
        assert_eq!(wanted[0].message(), "cadence: m versioned 1.0.0");
        assert_eq!(wanted[0].file, "releases/m/versioned/1.0.0.yaml");
    }

    #[test]
    fn each_action() {
        let releases = vec![
            release(
                "versioned",
                "1.0.0",
                "2025-01-10",
                &format!("revision: {A}\n"),
            ),
            release(
                "versioned",
                "1.1.0",
                "2025-03-01",
                &format!("revision: {B}\n"),
            ),
            release(
                "versioned",
                "1.2.0",
                "2025-05-01",
                &format!("revision: {B}\n"),
            ),
        ];
        let wanted = wanted_tags(&config(), &releases);
        let repo = refs(&[
            ("v1.0.0", A),
            ("v1.1.0", A),
            ("v0.9.0", B),
            ("experiment", A),
        ]);
        let rows = plan_repo("org/m", &wanted, &repo);
        let got: Vec<(&str, Action, &str)> = rows
            .iter()
            .map(|r| (r.tag.as_str(), r.action, r.revision()))
            .collect();
        assert_eq!(
            got,
            [
                ("v1.0.0", Action::Ok, A),
                ("v1.1.0", Action::Conflict, B),
                ("v1.2.0", Action::Create, B),
                ("experiment", Action::Unmanaged, A),
                ("v0.9.0", Action::Unmanaged, B),
            ]
        );
        assert_eq!(rows[1].current.as_deref(), Some(A));
    }

    #[test]
    fn commits_compare_without_case_and_other_repos_are_ignored() {
        let releases = vec![release(
            "versioned",
            "1.0.0",
            "2025-01-10",
            &format!("revision: {A}\n"),
        )];
        let wanted = wanted_tags(&config(), &releases);
        let rows = plan_repo("org/m", &wanted, &refs(&[("v1.0.0", &A.to_uppercase())]));
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].action, Action::Ok);
        // The stream repo wants nothing; its tags are all unmanaged.
        let rows = plan_repo("org/m-stream", &wanted, &refs(&[("v1.0.0", A)]));
        assert_eq!(
            rows.iter().map(|r| r.action).collect::<Vec<_>>(),
            [Action::Unmanaged]
        );
    }

    #[test]
    fn an_empty_repo_needs_every_tag() {
        let releases = vec![release(
            "stream",
            "2025-01-02",
            "2025-01-02",
            &format!("revision: {A}\n"),
        )];
        let wanted = wanted_tags(&config(), &releases);
        let rows = plan_repo("org/m-stream", &wanted, &Refs::default());
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (rows[0].tag.as_str(), rows[0].action),
            ("release-20250102", Action::Create)
        );
    }
}
