//! What a change to manifests touches: which pages and feeds `serve`
//! re-renders, and which old output files disappear.
//!
//! A release page shows the release, the previous release of its kind (for
//! evaluation deltas), its final or its candidates, and its channel's latest
//! release. Its *signature* lists the files of those; a page is re-rendered
//! when its own manifest or one in its signature changed, or when the
//! signature itself changed (a new previous release, a new latest). Listing
//! pages, the home page, the schedule and the feeds of a changed channel are
//! always re-rendered; everything else of the last build is kept.
//!
//! Part of the commands layer.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::site::catalog::Catalog;

/// Per release file, the files its page shows besides its own.
pub type Signatures = HashMap<String, Vec<String>>;

pub fn signatures(catalog: &Catalog) -> Signatures {
    let mut out = HashMap::with_capacity(catalog.site.releases.len());
    add_signatures(&mut out, catalog, |_| true);
    out
}

/// Recompute the signatures of the releases of `streams` only.
pub fn update_signatures(
    sigs: &mut Signatures,
    catalog: &Catalog,
    streams: &BTreeSet<(String, String)>,
) {
    let prefixes: Vec<String> = streams
        .iter()
        .map(|(m, c)| format!("releases/{m}/{c}/"))
        .collect();
    sigs.retain(|file, _| !prefixes.iter().any(|p| file.starts_with(p.as_str())));
    add_signatures(sigs, catalog, |s| {
        streams
            .iter()
            .any(|(m, c)| *m == s.model && *c == s.channel)
    });
}

fn add_signatures(
    out: &mut Signatures,
    catalog: &Catalog,
    which: impl Fn(&crate::site::catalog::Stream) -> bool,
) {
    let releases = &catalog.site.releases;
    for stream in catalog.streams.values().filter(|s| which(s)) {
        let latest = stream.latest.map(|i| releases[i].file.clone());
        for &i in &stream.releases {
            let info = &catalog.info[i];
            let mut sig: Vec<String> = info
                .previous
                .iter()
                .chain(info.final_release.iter())
                .chain(info.candidates.iter())
                .map(|&j| releases[j].file.clone())
                .collect();
            sig.extend(latest.clone());
            out.insert(releases[i].file.clone(), sig);
        }
    }
}

/// The pages and feeds to render again.
#[derive(Debug, Default)]
pub struct Scope {
    /// Site paths of pages (`""`, `m/c/1.0.0/`).
    pub pages: HashSet<String>,
    /// Folders of feeds (`""`, `stream/`, `m/c/1.x/`).
    pub feeds: HashSet<String>,
    /// `(model, channel)` of every changed manifest.
    pub streams: BTreeSet<(String, String)>,
}

/// The scope of a change to the manifests at `changed` (paths relative to
/// the root); `None` when it must be a full rebuild (a folder above a
/// channel's changed).
pub fn of_change(catalog: &Catalog, old: &Signatures, changed: &BTreeSet<String>) -> Option<Scope> {
    let mut scope = Scope::default();
    for path in changed {
        let parts: Vec<&str> = path.split('/').collect();
        if parts.len() < 4 || parts[0] != "releases" {
            return None;
        }
        scope
            .streams
            .insert((parts[1].to_string(), parts[2].to_string()));
    }
    let touched = |file: &str| {
        changed.contains(file)
            || changed.iter().any(|c| {
                file.strip_prefix(c.as_str())
                    .is_some_and(|r| r.starts_with('/'))
            })
    };
    scope
        .pages
        .extend(["".to_string(), "schedule/".to_string()]);
    scope.feeds.insert(String::new());
    for (model, channel) in &scope.streams {
        scope.pages.insert(format!("{model}/"));
        scope.pages.insert(format!("{model}/{channel}/"));
        scope.pages.insert(format!("{channel}/"));
        scope.feeds.insert(format!("{channel}/"));
        scope.feeds.insert(format!("{model}/{channel}/"));
        scope.feeds.insert(format!("{model}/candidates/"));
        if let Some(stream) = catalog.stream(model, channel) {
            for major in &stream.majors {
                scope.feeds.insert(format!("{model}/{channel}/{major}.x/"));
                // The line page (SPEC 10) shows the line's whole history.
                scope.pages.insert(format!("{model}/{channel}/{major}.x/"));
            }
        }
    }
    let mut new = Signatures::new();
    add_signatures(&mut new, catalog, |s| {
        scope
            .streams
            .contains(&(s.model.clone(), s.channel.clone()))
    });
    for (model, channel) in &scope.streams {
        let Some(stream) = catalog.stream(model, channel) else {
            continue;
        };
        for &i in &stream.releases {
            let r = &catalog.site.releases[i];
            let sig = new.get(&r.file);
            let stale = touched(&r.file)
                || sig != old.get(&r.file)
                || sig.is_some_and(|s| s.iter().any(|f| touched(f)));
            if stale {
                scope.pages.insert(catalog.info[i].path.clone());
            }
        }
    }
    for s in &catalog.site.skips {
        if touched(&s.file) {
            scope.pages.insert(catalog.skip_path(s));
        }
    }
    Some(scope)
}

/// The old output files in a changed stream's folder that the catalog no
/// longer produces (a deleted or renamed release, a vanished major line).
pub fn gone<'a>(
    catalog: &Catalog,
    scope: &Scope,
    old: impl Iterator<Item = &'a String>,
) -> Vec<String> {
    let mut dirs: HashSet<String> = HashSet::new();
    for (model, channel) in &scope.streams {
        dirs.insert(format!("{model}/{channel}/"));
        if let Some(stream) = catalog.stream(model, channel) {
            dirs.extend(
                stream
                    .releases
                    .iter()
                    .map(|&i| catalog.info[i].path.clone()),
            );
            dirs.extend(
                stream
                    .skips
                    .iter()
                    .map(|&k| catalog.skip_path(catalog.skip(k))),
            );
            dirs.extend(
                stream
                    .majors
                    .iter()
                    .map(|major| format!("{model}/{channel}/{major}.x/")),
            );
        }
    }
    let prefixes: Vec<String> = scope
        .streams
        .iter()
        .map(|(m, c)| format!("{m}/{c}/"))
        .collect();
    old.filter(|path| {
        let dir = path
            .rsplit_once('/')
            .map_or(String::new(), |(d, _)| format!("{d}/"));
        prefixes.iter().any(|p| path.starts_with(p.as_str())) && !dirs.contains(&dir)
    })
    .cloned()
    .collect()
}
