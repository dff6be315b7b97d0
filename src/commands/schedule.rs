//! `cadence schedule`: every slot of every scheduled channel with its state
//! (SPEC 5), the next slots, and what the next slot needs; then the major
//! lines of the semver channels with their support state (SPEC 10).
//! `--format json` prints `schedule.json`'s shape with `"lines"`.
//!
//! It works on a site with errors too, since a missed slot is an error and
//! the schedule is where a maintainer looks to fix it: the schedule is
//! printed from the manifests that could be read, a note on stderr counts the
//! errors, and the exit status is 1 (SPEC 5: the site has errors).
//!
//! Part of the commands layer.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::{Result, bail};
use chrono::{Duration, NaiveDate};

use crate::commands::cli::{ScheduleArgs, ScheduleFormat};
use crate::commands::context::Context;
use crate::commands::status::{Status, of_findings};
use crate::commands::terminal;
use crate::model::diagnostics::{self, Finding, Format};
use crate::model::schedule::{Slot, SlotState, Timeline, timelines};
use crate::site::catalog::Catalog;

mod lines;

pub fn run(ctx: &Context, args: &ScheduleArgs) -> Result<ExitCode> {
    let site = ctx.load(Format::Human)?;
    if let Some(m) = &args.model
        && !site.config.models.contains_key(m)
    {
        bail!(
            "`{m}` is not a model in cadence.toml; models: {}",
            site.config
                .models
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let findings = crate::model::rules::check(&site, ctx.today);
    let mut catalog = Catalog::new(&site, ctx.today);
    // `--upcoming N`: at least N slots dated today or later (more where a
    // planned release or a skip already sits on a later slot); with the
    // default, the same slots as the site's schedule.json.
    catalog.timelines = timelines(
        &site.config,
        &site.releases,
        &site.skips,
        ctx.today,
        args.upcoming,
    );

    match args.format {
        ScheduleFormat::Json => {
            let json = catalog.schedule_json(args.model.as_deref());
            terminal::out_line(&serde_json::to_string_pretty(&json).expect("serialisable"));
        }
        ScheduleFormat::Human => {
            let color = ctx.color_for(false);
            terminal::out(&human(&catalog, args.model.as_deref(), color));
            let lines = lines::human(&catalog, args.model.as_deref(), color);
            if !lines.is_empty() {
                terminal::out(&format!("\n{lines}"));
            }
        }
    }
    Ok(note_errors(&findings).into())
}

/// A note on stderr when the site has errors; the exit status.
fn note_errors(findings: &[Finding]) -> Status {
    let (errors, _) = diagnostics::counts(findings);
    let status = of_findings(findings, false);
    if status == Status::Success {
        return status;
    }
    let mut codes: Vec<&str> = findings
        .iter()
        .filter(|f| f.severity == diagnostics::Severity::Error)
        .map(|f| f.code)
        .collect();
    codes.sort_unstable();
    codes.dedup();
    terminal::line(&format!(
        "note: the site has {errors} error{} ({}); `cadence check` lists them",
        if errors == 1 { "" } else { "s" },
        codes.join(", ")
    ));
    status
}

fn paint(color: bool, state: SlotState, text: &str) -> String {
    if !color {
        return text.to_string();
    }
    let code = match state {
        SlotState::Released => "32",
        SlotState::Skipped => "36",
        SlotState::Missed => "31;1",
        SlotState::Planned => "33",
        SlotState::Open => "0",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

fn what(catalog: &Catalog, slot: &Slot) -> String {
    match (slot.state, slot.release, slot.skip) {
        (SlotState::Skipped, _, Some(k)) => {
            format!("announced {}", catalog.skip(k).announced)
        }
        (_, Some(i), _) => {
            let r = catalog.release(i);
            format!("{} ({})", r.version, r.date)
        }
        _ => String::new(),
    }
}

/// The table of one timeline, and what its next slot needs.
fn timeline(out: &mut String, catalog: &Catalog, t: &Timeline, color: bool) {
    let today = catalog.today;
    let rule = catalog.config.channels[&t.channel]
        .schedule
        .as_ref()
        .expect("a timeline's channel has a schedule");
    let model = &catalog.config.models[&t.model];
    let _ = writeln!(
        out,
        "{} ({}) on {}: every {} from {}, window ±{} days, skips announced {} days ahead",
        model.title,
        t.model,
        t.channel,
        rule.every,
        rule.start,
        rule.window_days,
        rule.skip_notice_days
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "  {:<10}  {:<24}  {:<8}  RELEASE",
        "SLOT", "WINDOW", "STATE"
    );
    let mut marked = false;
    for slot in &t.slots {
        if !marked && slot.date >= today {
            let _ = writeln!(out, "  -- today {today} --");
            marked = true;
        }
        let state = format!("{:<8}", slot.state.as_str());
        let row = format!(
            "  {}  {} to {}  {}  {}",
            slot.date,
            slot.window_start,
            slot.window_end,
            paint(color, slot.state, &state),
            what(catalog, slot)
        );
        let _ = writeln!(out, "{}", row.trim_end());
    }
    if !marked {
        let _ = writeln!(out, "  -- today {today} --");
    }
    let _ = writeln!(out);

    for slot in t.slots.iter().filter(|s| s.state == SlotState::Missed) {
        let _ = writeln!(
            out,
            "missed: {} (window closed {}) has neither a release nor a skip; record the skip with `cadence new skip {} --slot {}`",
            slot.date, slot.window_end, t.model, slot.date
        );
    }
    match t.next_due(today) {
        Some(slot) => {
            let _ = writeln!(
                out,
                "next: {}",
                needs(catalog, t, slot, rule.skip_notice_days, today)
            );
        }
        None => {
            let _ = writeln!(out, "next: no open slot among those shown");
        }
    }
}

/// What the next slot needs, in a sentence.
fn needs(catalog: &Catalog, t: &Timeline, slot: &Slot, notice: i64, today: NaiveDate) -> String {
    let days = (slot.date - today).num_days();
    let when = match days {
        0 => "today".to_string(),
        1 => "tomorrow".to_string(),
        d if d > 1 => format!("in {d} days"),
        d => format!("{} days ago, window open until {}", -d, slot.window_end),
    };
    let skip_by = slot.date - Duration::days(notice);
    let channel = &catalog.config.channels[&t.channel];
    if slot.state == SlotState::Planned {
        let r = catalog.release(slot.release.expect("a planned slot has a release"));
        let mut s = format!(
            "{} ({when}): {} is planned for {}; when it ships, set `status: released` and its revision in {}",
            slot.date, r.version, r.date, r.file
        );
        if let Some(c) = channel.candidates.as_ref().filter(|c| c.required) {
            let cut_by = r.date - Duration::days(i64::from(c.soak_days));
            let has_candidate = catalog.site.releases.iter().any(|x| {
                x.model == r.model
                    && x.channel == r.channel
                    && x.is_candidate()
                    && x.parsed.as_ref().map(|v| v.final_version()) == r.parsed
            });
            if !has_candidate {
                let _ = write!(
                    s,
                    "; it needs a release candidate by {cut_by} (soak {} days): `cadence new release {} {}`",
                    c.soak_days, t.model, t.channel
                );
            }
        }
        return s;
    }
    let release = format!(
        "a release dated {} to {} (`cadence new release {} {}`)",
        slot.window_start, slot.window_end, t.model, t.channel
    );
    let skip_cmd = format!("`cadence new skip {} --slot {}`", t.model, slot.date);
    if skip_by >= today {
        format!(
            "{} ({when}) needs {release}, or a skip announced by {skip_by} ({skip_cmd})",
            slot.date
        )
    } else {
        format!(
            "{} ({when}) needs {release}; a skip is now late (it had to be announced by {skip_by}, skip-late)",
            slot.date
        )
    }
}

/// The schedule as text: one table per model and scheduled channel.
pub fn human(catalog: &Catalog, model: Option<&str>, color: bool) -> String {
    let mut out = String::new();
    let shown: Vec<&Timeline> = catalog
        .timelines
        .iter()
        .filter(|t| model.is_none_or(|m| t.model == m))
        .collect();
    if shown.is_empty() {
        match model {
            Some(m) => {
                let _ = writeln!(out, "{m} publishes on no channel with a schedule");
            }
            None => {
                let _ = writeln!(out, "no channel has a schedule");
            }
        }
        return out;
    }
    for (n, t) in shown.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let mut part = String::new();
        timeline(&mut part, catalog, t, color);
        out.push_str(&part);
    }
    out
}
