//! Rendering the whole site: pages, feeds, calendars, the JSON API and
//! static files, into a [`Sink`]: memory, or the folder [`output`] is
//! building, file by file as they are rendered. Nothing here writes files
//! itself.
//!
//! [`output`]: super::output
//!
//! Part of the site layer.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Mutex;

use anyhow::{Context as _, Result, bail};

use super::catalog::Catalog;
use super::output::Staging;
use super::theme::Theme;
use super::{OutputFile, api, calendar, feeds, pages};

/// Where rendered files go, from any thread, as soon as each is rendered.
pub trait Sink: Sync {
    fn put(&self, file: OutputFile) -> Result<()>;

    /// Put a large file as `write` makes it. By default it is made in
    /// memory and put; a folder writes it straight to disk.
    fn put_streamed(&self, path: &str, write: &mut Write) -> Result<()> {
        let mut bytes = Vec::new();
        write(&mut bytes).with_context(|| format!("making {path}"))?;
        self.put(OutputFile::new(path, bytes))
    }
}

/// What writes a streamed file.
pub type Write<'w> = dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()> + 'w;

/// Files kept in memory (`cadence serve`, tests).
#[derive(Default)]
pub struct Memory(Mutex<Vec<OutputFile>>);

impl Memory {
    pub fn into_files(self) -> Vec<OutputFile> {
        self.0.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for Memory {
    fn put(&self, file: OutputFile) -> Result<()> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(file);
        Ok(())
    }
}

/// Files written into the output folder being built.
impl Sink for Staging {
    fn put(&self, file: OutputFile) -> Result<()> {
        Staging::put(self, &file.path, &file.bytes)
    }

    fn put_streamed(&self, path: &str, write: &mut Write) -> Result<()> {
        Staging::put_streamed(self, path, write)
    }
}

/// The paths a site was rendered to, so that content assets cannot
/// replace one.
pub struct Rendered(HashSet<String>);

/// A sink that drops a leading `/` from paths (any renderer may write
/// one) and refuses two files at one path.
struct Checked<'s> {
    sink: &'s dyn Sink,
    paths: Mutex<HashSet<String>>,
}

impl Checked<'_> {
    fn put(&self, mut file: OutputFile) -> Result<()> {
        if file.path.starts_with('/') {
            file.path = file.path.trim_start_matches('/').to_string();
        }
        self.claim(&file.path)?;
        self.sink.put(file)
    }

    fn put_streamed(&self, path: &str, write: &mut Write) -> Result<()> {
        let path = path.trim_start_matches('/');
        self.claim(path)?;
        self.sink.put_streamed(path, write)
    }

    fn claim(&self, path: &str) -> Result<()> {
        let fresh = self
            .paths
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string());
        if !fresh {
            bail!(
                "two outputs would be written to {path}: a file under content/ or the theme's \
                 static/ has the path of another output; rename one of them"
            );
        }
        Ok(())
    }
}

/// Every file of the site, sorted by path.
pub fn render_site(catalog: &Catalog, theme: &Theme, drafts: bool) -> Result<Vec<OutputFile>> {
    let memory = Memory::default();
    render_site_to(catalog, theme, drafts, &memory)?;
    pages::finish(memory.into_files())
}

/// Render every file of the site into `sink`, in parallel, each file as
/// soon as it is rendered. On an error, some files may have been put.
pub fn render_site_to(
    catalog: &Catalog,
    theme: &Theme,
    drafts: bool,
    sink: &dyn Sink,
) -> Result<Rendered> {
    let out = Checked {
        sink,
        paths: Mutex::new(HashSet::new()),
    };
    let emit = |f: OutputFile| out.put(f);
    let put_all = |files: Vec<OutputFile>| files.into_iter().try_for_each(emit);
    let (pages, (feeds, (calendars, api))) = rayon::join(
        || pages::render_to(catalog, theme, drafts, &emit),
        || {
            rayon::join(
                || put_all(feeds::render(catalog)),
                || {
                    rayon::join(
                        || put_all(calendar::render(catalog)),
                        || {
                            put_all(api::render_rest(catalog))?;
                            out.put_streamed(api::RELEASES, &mut |w| {
                                api::write_releases(catalog, w)
                            })
                        },
                    )
                },
            )
        },
    );
    pages?;
    feeds?;
    calendars?;
    api?;
    Ok(Rendered(
        out.paths.into_inner().unwrap_or_else(|e| e.into_inner()),
    ))
}

/// Put the content assets beside a rendered site; an asset may not
/// replace a rendered file.
pub fn put_assets(assets: Vec<OutputFile>, rendered: &Rendered, sink: &dyn Sink) -> Result<()> {
    for a in assets {
        refuse_collision(&a, |p| rendered.0.contains(p))?;
        sink.put(a)?;
    }
    Ok(())
}

fn refuse_collision(asset: &OutputFile, rendered: impl Fn(&str) -> bool) -> Result<()> {
    if rendered(&asset.path) {
        bail!(
            "content/{} would replace the page cadence renders at /{}; rename or move it",
            asset.path,
            asset.path
        );
    }
    Ok(())
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
        let rel = crate::model::load::relative(&dir, entry.path());
        let bytes = crate::model::read::read(root, entry.path(), crate::model::read::Kind::Asset)
            .with_context(|| format!("reading {}", entry.path().display()))?;
        out.push(OutputFile::new(rel, bytes));
    }
    Ok(out)
}

/// Add content assets to the rendered site; an asset may not replace a
/// rendered file.
pub fn with_assets(site: Vec<OutputFile>, assets: Vec<OutputFile>) -> Result<Vec<OutputFile>> {
    let rendered: HashSet<String> = site.iter().map(|f| f.path.clone()).collect();
    let mut files = site;
    for a in assets {
        refuse_collision(&a, |p| rendered.contains(p))?;
        files.push(a);
    }
    pages::finish(files)
}
