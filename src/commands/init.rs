//! `cadence init [DIR] [--base-url URL]`: a new site with a config, one
//! model, a stream build and a release candidate dated today, a final
//! planned for the schedule's first slot (one to two months ahead) and a
//! content page, that passes `check` as written and with each commented
//! option of its config uncommented.
//!
//! Part of the commands layer.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use chrono::{Datelike as _, Days, NaiveDate};

use crate::commands::cli::InitArgs;
use crate::commands::context::Context;
use crate::commands::terminal;
use crate::model::config::normalise_base_url;

const CONFIG: &str = r#"# cadence site configuration: the README's "cadence.toml" section lists every key.
title = "My Model Releases"
@BASE_URL_COMMENT@
base_url = @BASE_URL@
description = "Release notes, feeds and the release schedule of my models"
language = "en"
feed_limit = 50
# A banner shown on every page:
# notice = "Demonstration data: these releases are examples."

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

# A release every three months from `start`, the first slot. Each slot needs
# a final release within `window_days` of it, or a skip announced at least
# `skip_notice_days` before it (`cadence new skip`). `cadence schedule`
# lists the slots; the first one has 1.0.0 planned.
[channels.versioned.schedule]
every = "3 months"
start = @START@
window_days = 14
skip_notice_days = 7

# Finals promoted from release candidates (`1.0.0-rc.1`):
# [channels.versioned.candidates]
# required = true
# soak_days = 7
# promote_same_revision = true

# Evaluation gates a final release must pass:
# [channels.versioned.gates]
# mt_bench = { min = 7.0 }

# How long an older major line is supported after the next line's first final:
# [channels.versioned.support]
# months = 6

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

/// The placeholder `base_url` when `--base-url` is not given: a reserved
/// example domain (RFC 2606), commented as a placeholder in the config.
const PLACEHOLDER_URL: &str = "https://releases.example.org/";

/// What the config says above a placeholder `base_url`.
const PLACEHOLDER_COMMENT: &str = "\
# PLACEHOLDER: put here the absolute http(s) URL the site will be published at
# (for example https://my-org.github.io/releases/). Feeds, the sitemap and the
# calendar link there. `cadence serve` previews under its own address, so only
# `cadence build` needs it; `cadence init --base-url URL` writes it.";

/// What the config says above a `base_url` given to `init`.
const BASE_URL_COMMENT: &str = "\
# The absolute http(s) URL the site is published at: feeds, the sitemap and the
# calendar link there. `cadence serve` previews under its own address.";

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

fn candidate(today: &str) -> String {
    format!(
        r#"version: 1.0.0-rc.1
date: {today}
summary: The first release candidate of 1.0.0.
revision: 89abcdef0123456789abcdef0123456789abcdef
artifacts:
  - format: safetensors
    file: model.safetensors
evaluations:
  mt_bench: 7.2
notes: |
  A candidate for testers: the final 1.0.0 is planned for the first slot.
"#
    )
}

fn planned_final(slot: &str) -> String {
    format!(
        r#"version: 1.0.0
# The first slot of the schedule (cadence.toml). When 1.0.0 ships, set
# `status: released`, the real `date` and the `revision` of its last
# candidate, and its evaluations.
date: {slot}
summary: The first versioned release.
status: planned
notes: |
  ## What's new

  - The first release on the versioned channel.
"#
    )
}

/// The schedule's first slot: the first day of a month, 31 to 61 days
/// after `today`, so that a new site has time to plan it (and no slot
/// closes before the first release can be made).
fn first_slot(today: NaiveDate) -> Option<NaiveDate> {
    let later = today.checked_add_days(Days::new(30))?;
    let (year, month) = if later.month() == 12 {
        (later.year().checked_add(1)?, 1)
    } else {
        (later.year(), later.month() + 1)
    };
    NaiveDate::from_ymd_opt(year, month, 1)
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
    let base_url = match &args.base_url {
        Some(url) => normalise_base_url(url).map_err(|e| {
            anyhow::anyhow!("--base-url: {e}; give the site's absolute http(s) URL")
        })?,
        None => PLACEHOLDER_URL.to_string(),
    };
    let Some(slot) = first_slot(ctx.today) else {
        bail!(
            "today ({}) is too far in the future to start a schedule: give `--today` a real date",
            ctx.today
        );
    };
    let today = ctx.today.to_string();
    let config = CONFIG
        .replace(
            "@BASE_URL_COMMENT@",
            if args.base_url.is_some() {
                BASE_URL_COMMENT
            } else {
                PLACEHOLDER_COMMENT
            },
        )
        .replace("@BASE_URL@", &toml::Value::String(base_url).to_string())
        .replace("@START@", &slot.to_string());
    let files = [
        ("cadence.toml".to_string(), config),
        (
            format!("releases/my-model/stream/{today}.yaml"),
            stream_release(&today),
        ),
        (
            "releases/my-model/versioned/1.0.0-rc.1.yaml".to_string(),
            candidate(&today),
        ),
        (
            "releases/my-model/versioned/1.0.0.yaml".to_string(),
            planned_final(&slot.to_string()),
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
            "the versioned channel's first slot is {slot}, with 1.0.0 planned for it"
        ));
        if args.base_url.is_none() {
            terminal::out_line(&format!(
                "base_url is a placeholder ({PLACEHOLDER_URL}): set it in cadence.toml before you publish"
            ));
        }
        let cd = if args.dir.is_some() {
            let shown = dir.display().to_string();
            format!("`cd {}`, then ", crate::site::shell::quote(&shown))
        } else {
            String::new()
        };
        terminal::out_line(&format!(
            "next: {cd}`cadence check`, then `cadence serve` to preview the site"
        ));
    }
    Ok(ExitCode::SUCCESS)
}
