//! `cadence init [DIR]`: a new site with a config, one model, a stream and a
//! versioned release and a content page, dated today, that passes `check`.
//!
//! Part of the commands layer.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};

use crate::commands::cli::InitArgs;
use crate::commands::context::Context;
use crate::commands::terminal;

const CONFIG: &str = r#"# cadence site configuration: https://github.com/ (see SPEC section 3)
title = "My Model Releases"
base_url = "https://example.org/"
description = "Release notes, feeds and the release schedule of my models"
language = "en"
feed_limit = 50

[author]
name = "Release team"
email = "releases@example.org"

[announce]
to = "announce@example.org"
from = "Release team <releases@example.org>"

[channels.stream]
title = "Stream"
description = "Every build the release team publishes."
versioning = "date"
tag = "release-{compact}"
retention = 10

[channels.versioned]
title = "Versioned"
description = "Scheduled, semver-tagged releases."
versioning = "semver"
tag = "v{version}"

# A release every three months: once uncommented, every slot needs a
# release or a skip (`cadence new skip`), and `cadence schedule` lists them.
# [channels.versioned.schedule]
# every = "3 months"
# start = 2025-01-06
# window_days = 14
# skip_notice_days = 7

# Finals promoted from release candidates (`1.1.0-rc.1`):
# [channels.versioned.candidates]
# required = true
# soak_days = 7
# promote_same_revision = true

# [channels.versioned.gates]
# mt_bench = { min = 7.0 }

[metrics.mt_bench]
title = "MT-Bench"

[models.my-model]
title = "My Model"
description = "A fine-tuned model, released on two channels"
license = "apache-2.0"

[models.my-model.repos]
stream = "my-org/my-model-stream"
versioned = "my-org/my-model"
"#;

fn stream_release(today: &str) -> String {
    format!(
        r#"version: {today}
date: {today}
summary: The first stream build.
# The Hugging Face commit of the build (40 hex digits).
revision: 0123456789abcdef0123456789abcdef01234567
artifacts:
  - format: safetensors
    file: model.safetensors
evaluations:
  mt_bench: 6.9
notes: |
  The first build published on the stream channel.
"#
    )
}

fn versioned_release(today: &str) -> String {
    format!(
        r#"version: 1.0.0
date: {today}
summary: The first versioned release.
revision: 89abcdef0123456789abcdef0123456789abcdef
artifacts:
  - format: safetensors
    file: model.safetensors
evaluations:
  mt_bench: 7.0
notes: |
  ## What's new

  - The first release on the versioned channel.
"#
    )
}

/// The output (`cadence build`'s default `--out`) and the cache that
/// speeds up the next build (SPEC 7) are not sources.
const GITIGNORE: &str = "# Written by `cadence build`: the site, and the cache of the next build.\n\
/public/\n\
/.cadence/\n";

/// The `.gitignore` to write in `dir`: the one there (a repository's) with
/// the lines cadence needs added where missing, else [`GITIGNORE`].
fn gitignore(dir: &Path) -> Result<String> {
    let path = dir.join(".gitignore");
    let mut text = match std::fs::read_to_string(&path) {
        Ok(text) if !text.trim().is_empty() => text,
        Ok(_) => return Ok(GITIGNORE.to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(GITIGNORE.to_string()),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    for want in ["/public/", "/.cadence/"] {
        let bare = want.trim_start_matches('/');
        if !text
            .lines()
            .any(|l| l.trim().trim_start_matches('/') == bare)
        {
            if !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(want);
            text.push('\n');
        }
    }
    Ok(text)
}

const INDEX: &str = r#"---
title: Home
---
Releases of **My Model**: pick the *stream* channel for every build, or the
*versioned* channel for scheduled, semver-tagged releases. Every channel has
an Atom and an RSS feed, and the [schedule](/schedule/) has a calendar.
"#;

const ABOUT: &str = r#"---
title: About
description: How releases are made and where to find them.
weight: 1
---
## How releases are made

Each release is a manifest under `releases/`, reviewed in a pull request and
checked by `cadence check`.

## Where to find them

- [Stream](/stream/): every build.
- [Versioned](/versioned/): scheduled releases.
"#;

/// Whether `dir` has anything but hidden files (`.git`).
fn has_visible_files(dir: &Path) -> Result<bool> {
    if !dir.exists() {
        return Ok(false);
    }
    let entries = std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
    for e in entries {
        let e = e.with_context(|| format!("reading {}", dir.display()))?;
        if !e.file_name().to_string_lossy().starts_with('.') {
            return Ok(true);
        }
    }
    Ok(false)
}

pub fn run(ctx: &Context, args: &InitArgs) -> Result<ExitCode> {
    let dir = args.dir.clone().unwrap_or_else(|| ctx.root.clone());
    if dir.exists() && !dir.is_dir() {
        bail!(
            "{} exists and is not a folder: give `cadence init` a new or empty folder",
            dir.display()
        );
    }
    if has_visible_files(&dir)? {
        bail!(
            "{} is not empty; `cadence init` starts a site in a new or empty folder",
            dir.display()
        );
    }
    let today = ctx.today.to_string();
    let files = [
        ("cadence.toml".to_string(), CONFIG.to_string()),
        (
            format!("releases/my-model/stream/{today}.yaml"),
            stream_release(&today),
        ),
        (
            "releases/my-model/versioned/1.0.0.yaml".to_string(),
            versioned_release(&today),
        ),
        ("content/_index.md".to_string(), INDEX.to_string()),
        ("content/about.md".to_string(), ABOUT.to_string()),
        (".gitignore".to_string(), gitignore(&dir)?),
    ];
    for (path, text) in &files {
        let full = dir.join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&full, text).with_context(|| format!("writing {}", full.display()))?;
    }
    if !ctx.quiet {
        terminal::out_line(&format!("created a cadence site in {}:", dir.display()));
        for (path, _) in &files {
            terminal::out_line(&format!("  {path}"));
        }
        terminal::out_line(&format!(
            "next: edit cadence.toml, then run `cadence check` and `cadence build` in {}",
            dir.display()
        ));
    }
    Ok(ExitCode::SUCCESS)
}
