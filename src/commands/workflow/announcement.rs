//! The mailing-list announcement of a release, a skip or a major line's end
//! of support, rendered from the theme's `announce/release.txt`,
//! `announce/skip.txt` and `announce/line.txt`.
//!
//! A template renders a mail as it is read: a `Subject:` line, a blank line,
//! then the body. The body is wrapped at 72 columns afterwards ([`plain::wrap`]),
//! so a template never has to; lines indented four spaces (commands, URLs,
//! checksums) are kept whole. The context every template gets:
//!
//! - `site`: `title`, `description`, `base_url`, `schedule_url`
//! - `author`: `name`, `email`
//! - `model`: `id`, `title`, `description`, `base_model`, `license`, `url`
//! - `channel`: `name`, `title`, `description`, `versioning`, `url`
//! - `release` (release.txt): every field of `releases.json`, and `notes_text`
//!   (the notes as plain text), `final_version`, `rc`, `soak_until`,
//!   `promoted_from`, `previous` (`version`, `url`), `download_command`,
//!   `ollama_run` (both shell-quoted where a value needs it),
//!   `evaluations_list` (`metric`, `title`, `label` padded to one width,
//!   `value`, `change`, `previous`), each artifact's `size_human`, and
//!   `checksums` (`sha256`, `file`)
//! - `skip` (skip.txt): `slot`, `announced`, `reason`, `reason_text`, `url`,
//!   `window_start`, `window_end`
//! - `line` (line.txt): every field of `lines.json`'s item, and `title`
//!   (`Granite 7B Lab 1.x`), `note_text`, `eol_basis` (where `eol` comes
//!   from, in words), `ended` (whether `today` is on or after `eol`),
//!   `days_left`, `latest_url`, `supported` (the lines that still get
//!   fixes: `line`, `state`, `eol`, `lts`, `latest`, `url`)
//! - `latest`: the channel's newest released final (`version`, `url`, `date`), or null
//! - `feeds`: each feed that carries the entry: `title`, `atom`, `rss`
//! - `next_slot`: the channel's next slot still to ship as of today (open
//!   or planned, the one `cadence schedule` names): `date`,
//!   `window_start`, `window_end`, `state`, `version`, `skip_by`; or null
//!
//! Part of the commands layer.

use anyhow::{Result, bail};
use chrono::{Duration, NaiveDate};
use serde_json::{Value, json};

use super::plain::{self, Links, WIDTH};
use crate::model::config::ScheduleRule;
use crate::model::manifest::Score;
use crate::site::catalog::Catalog;
use crate::site::catalog::feed::Entry;
use crate::site::numbers;
use crate::site::theme::Theme;

mod line;

/// What is announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Release(usize),
    Skip(usize),
    /// A major line's end of support (an index into the catalog's lines).
    Line(usize),
}

/// A rendered announcement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announcement {
    pub subject: String,
    /// Wrapped at 72 columns, ending in one newline.
    pub body: String,
    /// Stable: `release.<model>.<channel>.<version>@<host>` or
    /// `skip.<model>.<channel>.<slot>@<host>`.
    pub message_id: String,
}

/// The release or skip `target` (a version or `skip-YYYY-MM-DD`) names.
pub fn find(catalog: &Catalog, model: &str, channel: &str, target: &str) -> Result<Target, String> {
    if let Some(major) = target.strip_prefix("line-") {
        return line::find(catalog, model, channel, major).map(Target::Line);
    }
    if let Some(slot) = target.strip_prefix("skip-") {
        let Some(date) = crate::model::version::parse_day(slot) else {
            return Err(format!(
                "`{target}` is not skip-YYYY-MM-DD: name a skip by its slot, such as skip-2024-09-02"
            ));
        };
        return catalog
            .site
            .skips
            .iter()
            .position(|s| s.model == model && s.channel == channel && s.slot == date)
            .map(Target::Skip)
            .ok_or_else(|| {
                format!(
                    "there is no skip of slot {date} for {model} on `{channel}` (releases/{model}/{channel}/skip-{date}.yaml); write one with `cadence new skip {model} --slot {date}`"
                )
            });
    }
    let Some(i) = catalog.find(model, channel, target) else {
        let known: Vec<&str> = catalog
            .stream(model, channel)
            .map(|s| {
                s.releases
                    .iter()
                    .take(5)
                    .map(|&i| catalog.release(i).version.as_str())
                    .collect()
            })
            .unwrap_or_default();
        return Err(format!(
            "{model} has no release {target} on `{channel}`{}",
            if known.is_empty() {
                format!(": write one with `cadence new release {model} {channel}`")
            } else {
                format!("; the newest are {}: name one of them", known.join(", "))
            }
        ));
    };
    if !catalog.release(i).status.shipped() {
        return Err(format!(
            "{target} is planned, not released: announce it once its manifest says `status: released`"
        ));
    }
    Ok(Target::Release(i))
}

fn entry(target: Target) -> Entry {
    match target {
        Target::Release(i) => Entry::Release(i),
        Target::Skip(k) => Entry::Skip(k),
        Target::Line(n) => Entry::Eol(n),
    }
}

/// Everything a template can use (see the module doc).
pub fn context(catalog: &Catalog, target: Target) -> Value {
    let config = catalog.config;
    let (model_id, channel_name) = match target {
        Target::Release(i) => {
            let r = catalog.release(i);
            (r.model.as_str(), r.channel.as_str())
        }
        Target::Skip(k) => {
            let s = catalog.skip(k);
            (s.model.as_str(), s.channel.as_str())
        }
        Target::Line(n) => (
            catalog.lines[n].model.as_str(),
            catalog.lines[n].channel.as_str(),
        ),
    };
    let model = &config.models[model_id];
    let channel = &config.channels[channel_name];
    let page_url = catalog.url(&catalog.entry_path(entry(target)));
    let links = Links {
        base_url: &config.base_url,
        page_url: &page_url,
    };

    // The feeds that carry the entry; an end of support announced ahead
    // is in no feed yet, so those that will carry it.
    let line_dirs = match target {
        Target::Line(n) => vec![
            String::new(),
            format!("{channel_name}/"),
            format!("{model_id}/{channel_name}/"),
            catalog.lines[n].path.clone(),
        ],
        _ => Vec::new(),
    };
    let feeds: Vec<Value> = catalog
        .feeds()
        .into_iter()
        .filter(|f| f.entries.contains(&entry(target)) || line_dirs.contains(&f.dir))
        .map(|f| {
            json!({
                "title": f.title,
                "atom": catalog.url(&format!("{}atom.xml", f.dir)),
                "rss": catalog.url(&format!("{}rss.xml", f.dir)),
            })
        })
        .collect();

    let rule = channel.schedule.as_ref();
    let next_slot = next_slot(catalog, model_id, channel_name, rule);

    let latest = catalog
        .stream(model_id, channel_name)
        .and_then(|s| s.latest)
        .map(|i| {
            let r = catalog.release(i);
            json!({
                "version": r.version,
                "date": r.date.to_string(),
                "url": catalog.url(&catalog.info[i].path),
            })
        });

    let mut ctx = json!({
        "site": {
            "title": config.title,
            "description": config.description,
            "base_url": config.base_url,
            "schedule_url": catalog.url("schedule/"),
        },
        "author": {"name": config.author.name, "email": config.author.email},
        "model": {
            "id": model.id,
            "title": model.title,
            "description": model.description,
            "base_model": model.base_model,
            "license": model.license,
            "url": catalog.url(&format!("{}/", model.id)),
        },
        "channel": {
            "name": channel.name,
            "title": channel.title,
            "description": channel.description,
            "versioning": match channel.versioning {
                crate::model::version::Versioning::Date => "date",
                crate::model::version::Versioning::Semver => "semver",
            },
            "url": catalog.url(&format!("{}/{}/", model.id, channel.name)),
        },
        "feeds": feeds,
        "next_slot": next_slot,
        "latest": latest,
        "release": null,
        "skip": null,
        "line": null,
    });

    match target {
        Target::Release(i) => ctx["release"] = release_context(catalog, i, &links),
        Target::Skip(k) => {
            let s = catalog.skip(k);
            let (start, end) = rule.map_or((s.slot, s.slot), |r| r.window(s.slot));
            ctx["skip"] = json!({
                "slot": s.slot.to_string(),
                "announced": s.announced.to_string(),
                "reason": s.reason,
                "reason_text": plain::markdown_to_text(&s.reason, &links, WIDTH),
                "url": page_url,
                "window_start": start.to_string(),
                "window_end": end.to_string(),
            });
        }
        Target::Line(n) => ctx["line"] = line::context(catalog, n, &links),
    }
    ctx
}

/// The channel's next slot still to ship as of today
/// ([`Timeline::next_due`](crate::model::schedule::Timeline::next_due)):
/// the slot `cadence schedule` names as `next:`, whatever is announced.
fn next_slot(
    catalog: &Catalog,
    model_id: &str,
    channel_name: &str,
    rule: Option<&ScheduleRule>,
) -> Option<Value> {
    catalog
        .timeline(model_id, channel_name)
        .and_then(|t| t.next_due(catalog.today))
        .map(|s| {
            json!({
                "date": s.date.to_string(),
                "window_start": s.window_start.to_string(),
                "window_end": s.window_end.to_string(),
                "state": s.state.as_str(),
                "version": s.release.map(|i| catalog.release(i).version.clone()),
                "skip_by": rule.map(|r| (s.date - Duration::days(r.skip_notice_days)).to_string()),
            })
        })
}

fn release_context(catalog: &Catalog, i: usize, links: &Links) -> Value {
    let r = catalog.release(i);
    let info = &catalog.info[i];
    let channel = &catalog.config.channels[&r.channel];
    let mut v = catalog.release_json(i);
    let previous = info.previous.map(|p| catalog.release(p));

    v["notes_text"] = json!(
        r.notes
            .as_deref()
            .map(|n| plain::markdown_to_text(n, links, WIDTH))
            .filter(|t| !t.trim().is_empty())
    );
    v["previous"] = json!(previous.map(|p| json!({
        "version": p.version,
        "url": catalog.url(&catalog.info[info.previous.expect("some")].path),
    })));
    let parsed = r.parsed.as_ref();
    v["rc"] = json!(parsed.and_then(|p| p.rc()));
    v["final_version"] = json!(parsed.map(|p| super::suggest::version_text(&p.final_version())));
    v["soak_until"] = json!(if info.candidate {
        let soak = channel.candidates.as_ref().map_or(0, |c| c.soak_days);
        Some((r.date + Duration::days(i64::from(soak))).to_string())
    } else {
        None
    });
    v["promoted_from"] = json!(
        info.candidates
            .first()
            .map(|&c| catalog.release(c).version.clone())
    );
    v["download_command"] = json!(
        r.revision
            .as_ref()
            .map(|rev| crate::site::shell::hf_download(&info.repo, None, rev))
    );
    v["ollama_run"] = json!(r.ollama.as_deref().map(crate::site::shell::ollama_run));

    let evals: Vec<(&String, &str, &Score, Option<&Score>)> = r
        .evaluations
        .iter()
        .map(|(m, val)| {
            (
                m,
                catalog.config.metric_title(m),
                val,
                previous.and_then(|p| p.evaluations.get(m)),
            )
        })
        .collect();
    let label_width = evals.iter().map(|e| e.1.chars().count()).max().unwrap_or(0);
    v["evaluations_list"] = json!(
        evals
            .iter()
            .map(|(m, title, val, prev)| json!({
                "metric": m,
                "title": title,
                "label": format!("{title}{}", " ".repeat(label_width - title.chars().count())),
                "value": val.text(),
                "previous": prev.map(Score::text),
                "change": prev.map(|p| numbers::change(val, p).0),
            }))
            .collect::<Vec<_>>()
    );
    if let Some(list) = v["artifacts"].as_array_mut() {
        for a in list {
            a["size_human"] = json!(a["size"].as_i64().map(numbers::size));
        }
    }
    v["checksums"] = json!(
        r.artifacts
            .iter()
            .filter_map(|a| a
                .sha256
                .as_ref()
                .map(|s| json!({"sha256": s, "file": a.file})))
            .collect::<Vec<_>>()
    );
    v["date"] = json!(r.date.to_string());
    v
}

/// Split a rendered template into its subject and body, and wrap the body.
fn split(template: &str, rendered: &str) -> Result<(String, String)> {
    let text = rendered.trim_start_matches(['\n', '\r', ' ']);
    let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
    let Some(subject) = first.strip_prefix("Subject:") else {
        bail!(
            "template `{template}` must start with a `Subject: ...` line, then a blank line and the body"
        );
    };
    let subject = subject.split_whitespace().collect::<Vec<_>>().join(" ");
    if subject.is_empty() {
        bail!(
            "template `{template}` renders an empty subject: make its first line `Subject: <text>`"
        );
    }
    let body = plain::wrap(rest.trim_matches(['\n', '\r']), WIDTH);
    // At most one blank line in a row: template control flow leaves more.
    let mut out = String::new();
    let mut blank = 0;
    for line in body.lines() {
        let line = if line == "-- " { line } else { line.trim_end() };
        blank = if line.is_empty() { blank + 1 } else { 0 };
        if blank <= 1 {
            out.push_str(line);
            out.push('\n');
        }
    }
    Ok((subject, out))
}

/// Render the announcement of `target` with the theme's templates.
pub fn render(theme: &Theme, catalog: &Catalog, target: Target) -> Result<Announcement> {
    let template = match target {
        Target::Release(_) => "announce/release.txt",
        Target::Skip(_) => "announce/skip.txt",
        Target::Line(_) => "announce/line.txt",
    };
    let ctx = tera::Context::from_value(context(catalog, target))
        .map_err(|e| anyhow::anyhow!("{}", crate::site::theme::tera_error(&e)))?;
    let rendered = theme.render(template, &ctx)?;
    let (subject, body) = split(template, &rendered)?;
    let host = catalog.config.host();
    let message_id = match target {
        Target::Release(i) => {
            let r = catalog.release(i);
            format!("release.{}.{}.{}@{host}", r.model, r.channel, r.version)
        }
        Target::Skip(k) => {
            let s = catalog.skip(k);
            format!("skip.{}.{}.{}@{host}", s.model, s.channel, s.slot)
        }
        Target::Line(n) => {
            let l = &catalog.lines[n];
            format!("line.{}.{}.{}@{host}", l.model, l.channel, l.major)
        }
    };
    Ok(Announcement {
        subject,
        body,
        message_id,
    })
}

/// The day a message is dated: the release's date or the skip's
/// announcement, or today when that is later (a late announcement is sent
/// today); an end of support is announced today, ahead of it or after.
pub fn mail_date(catalog: &Catalog, target: Target) -> NaiveDate {
    let day = match target {
        Target::Release(i) => catalog.release(i).date,
        Target::Skip(k) => catalog.skip(k).announced,
        Target::Line(_) => catalog.today,
    };
    day.max(catalog.today)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_needs_a_subject() {
        let (s, b) = split("t", "\nSubject:  [ANN]  x \n\nbody\n\n\n\nmore\n-- \nme\n").unwrap();
        assert_eq!(s, "[ANN] x");
        assert_eq!(b, "body\n\nmore\n-- \nme\n");
        assert!(split("t", "no subject\n").is_err());
    }
}
