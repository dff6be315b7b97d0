//! Rendering the whole site into memory: pages, feeds, calendars, the JSON
//! API and static files. Nothing here reads or writes files; [`output`]
//! writes the result.
//!
//! [`output`]: super::output

use std::path::Path;

use anyhow::{Context as _, Result, bail};

use super::catalog::Catalog;
use super::theme::Theme;
use super::{OutputFile, api, calendar, feeds, pages};

/// Every file of the site, sorted by path.
pub fn render_site(catalog: &Catalog, theme: &Theme, drafts: bool) -> Result<Vec<OutputFile>> {
    let (pages, (feeds, (calendars, api))) = rayon::join(
        || pages::render(catalog, theme, drafts),
        || {
            rayon::join(
                || feeds::render(catalog),
                || rayon::join(|| calendar::render(catalog), || api::render(catalog)),
            )
        },
    );
    let mut files = pages?;
    files.extend(feeds);
    files.extend(calendars);
    files.extend(api);
    pages::finish(files)
}

/// Files beside the content pages (`content/img/chart.png` is served at
/// `/img/chart.png`), skipping hidden files and markdown.
pub fn content_assets(root: &Path) -> Result<Vec<OutputFile>> {
    let dir = root.join("content");
    let site_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for entry in walkdir::WalkDir::new(&dir)
        .follow_links(true)
        .sort_by_file_name()
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.'))
    {
        let entry = entry.with_context(|| format!("reading {}", dir.display()))?;
        if !entry.file_type().is_file() || entry.path().extension().is_some_and(|e| e == "md") {
            continue;
        }
        // A link out of the site (to ~/.ssh, /etc) is never published.
        if entry.path_is_symlink()
            && !std::fs::canonicalize(entry.path()).is_ok_and(|t| t.starts_with(&site_root))
        {
            continue;
        }
        let rel = crate::load::relative(&dir, entry.path());
        let bytes = std::fs::read(entry.path())
            .with_context(|| format!("reading {}", entry.path().display()))?;
        out.push(OutputFile::new(rel, bytes));
    }
    Ok(out)
}

/// Add content assets to the rendered site; an asset may not replace a
/// rendered file.
pub fn with_assets(site: Vec<OutputFile>, assets: Vec<OutputFile>) -> Result<Vec<OutputFile>> {
    let rendered: std::collections::HashSet<String> = site.iter().map(|f| f.path.clone()).collect();
    let mut files = site;
    for a in assets {
        if rendered.contains(&a.path) {
            bail!(
                "content/{} would replace the page cadence renders at /{}; rename or move it",
                a.path,
                a.path
            );
        }
        files.push(a);
    }
    pages::finish(files)
}
