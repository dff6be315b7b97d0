//! The evaluation chart of a model page: an inline SVG line chart of one
//! metric over time (one series per major line of a versioned channel,
//! joined by a line; a stream channel's builds as one series of points; the
//! gate as a dashed line) and an accessible table of the same values.
//!
//! No JavaScript: each series is a `<g data-line="1.x">` and each point
//! carries a `<title>` with its version and score as written, which
//! browsers show on hover. Colours come from the page's stylesheet
//! (`.chart .s0` ...), so they follow light and dark mode; the stylesheet
//! also enlarges the text as the chart narrows, so labels stay readable on
//! a phone, and the left margin is as wide as the value labels at that
//! size. The value axis starts at 0 (a score's natural baseline)
//! or, for a gated metric, at the gate, and spans at least a tenth of the
//! scores' size, so a 0.01 change looks like one. Numbers are
//! formatted with fixed precision, so the output is byte-identical for the
//! same input.
//!
//! Part of the site layer.

use std::fmt::Write as _;

use chrono::NaiveDate;

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Points joined by a line (a major line's finals).
    Line,
    /// Points only (stream builds).
    Points,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub date: NaiveDate,
    pub value: f64,
    /// The score as the manifest wrote it (`7.0`).
    pub text: String,
    /// The version the value belongs to.
    pub label: String,
    /// Link to the release page.
    pub href: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// `Versioned 1.x`, `Stream`.
    pub name: String,
    /// What `data-line` says: the major line (`1.x`), or a stream channel's name.
    pub line: String,
    /// The channel's name, for `data-channel`.
    pub channel: String,
    pub style: Style,
    /// Which of the stylesheet's series colours to use (`s0`..`s3`, then
    /// dashed for the next four), so one line keeps its colour across the
    /// model's charts.
    pub color: usize,
    /// In date order.
    pub points: Vec<Point>,
}

/// A horizontal threshold (a gate's `min` or `max`).
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    pub value: f64,
    pub label: String,
    /// A floor (a gate's `min`): the value axis may start here rather
    /// than at 0.
    pub floor: bool,
}

/// The least span of the value axis, relative to the largest magnitude it
/// shows: scores near 7 get an axis at least 0.7 high, so a change of 0.01
/// is never a cliff.
const LEAST_SPAN: f64 = 0.1;

/// What the value axis must hold besides the values and thresholds: 0, a
/// score's natural baseline, unless a gate's floor is the baseline; then
/// enough below the top for [`LEAST_SPAN`].
fn baseline(values: &[f64], thresholds: &[Threshold]) -> Option<f64> {
    if !thresholds.iter().any(|t| t.floor) {
        return Some(0.0);
    }
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let least = LEAST_SPAN * lo.abs().max(hi.abs());
    (hi - lo < least).then(|| {
        let bottom = hi - least;
        // Never below 0 for scores that are all at least 0.
        if lo >= 0.0 { bottom.max(0.0) } else { bottom }
    })
}

const W: f64 = 640.0;
const H: f64 = 260.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 20.0;
const BOTTOM: f64 = 44.0;

use super::escape::escape;

mod scale;
pub mod series;
use scale::Scale;

fn coord(v: f64) -> String {
    format!("{v:.1}")
}

/// The colour classes of the `n`th series: `s0` .. `s3`, then the same
/// colours dashed (`s0 alt`).
fn color_class(n: usize) -> String {
    if n % 8 < 4 {
        format!("s{}", n % 4)
    } else {
        format!("s{} alt", n % 4)
    }
}

/// One chart, as an HTML fragment: a `<figure>` with the SVG and a legend,
/// then the values in a table. `id` must be unique on the page.
pub fn render(id: &str, title: &str, series: &[Series], thresholds: &[Threshold]) -> String {
    // Every value and every gate are on the axis, and its baseline.
    let mut values: Vec<f64> = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.value))
        .chain(thresholds.iter().map(|t| t.value))
        .filter(|v| v.is_finite())
        .collect();
    values.extend(baseline(&values, thresholds).filter(|v| v.is_finite()));
    let dates: Vec<NaiveDate> = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.date))
        .collect();
    let (Some(&d0), Some(&d1)) = (dates.iter().min(), dates.iter().max()) else {
        return String::new();
    };
    let scale = Scale::new(&values);
    // Room at the left for the value labels at the size a phone shows them
    // (about 20 units; see the stylesheet), each character about 0.6 em.
    let widest = (0..=scale.steps)
        .map(|k| scale.label(k).chars().count())
        .max()
        .unwrap_or(1);
    let left = (14.0 + 12.0 * widest as f64).clamp(40.0, 220.0);

    let span = (d1 - d0).num_days() as f64;
    let plot_w = W - left - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let x = |d: NaiveDate| {
        if span == 0.0 {
            left + plot_w / 2.0
        } else {
            left + plot_w * (d - d0).num_days() as f64 / span
        }
    };
    let y = |v: f64| TOP + plot_h * scale.fraction(v);

    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart-svg\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-labelledby=\"{id}-title\" xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"{id}-title\">{}</title>\n",
        escape(&format!("{title} over time"))
    );
    y_axis(&mut svg, &scale, left, plot_h);
    x_axis(&mut svg, left, (d0, d1), span, x);
    // Thresholds, labelled at the right on the side the scores rarely are:
    // below a floor (scores pass above it), above a ceiling.
    for t in thresholds {
        let yy = coord(y(t.value));
        let (label_y, baseline) = if t.floor {
            (y(t.value) + 4.0, " dominant-baseline=\"hanging\"")
        } else {
            (y(t.value) - 5.0, "")
        };
        let _ = writeln!(
            svg,
            "<line class=\"gate\" x1=\"{}\" x2=\"{}\" y1=\"{yy}\" y2=\"{yy}\"/><text class=\"gate-label\" x=\"{}\" y=\"{}\" text-anchor=\"end\"{baseline}>{}</text>",
            coord(left),
            coord(W - RIGHT),
            coord(W - RIGHT - 4.0),
            coord(label_y),
            escape(&t.label)
        );
    }
    for s in series {
        draw_series(&mut svg, s, &x, &y);
    }
    svg.push_str("</svg>\n");

    let mut html = String::new();
    let _ = write!(html, "<figure class=\"chart\">\n{svg}<figcaption>");
    legend(&mut html, series, thresholds);
    html.push_str("</figcaption>\n</figure>\n");

    values_table(&mut html, title, series);
    html
}

/// One series: a group marked with its line, its polyline when it joins
/// two or more points, and a circle with a `<title>` for each point.
fn draw_series(
    svg: &mut String,
    s: &Series,
    x: &impl Fn(NaiveDate) -> f64,
    y: &impl Fn(f64) -> f64,
) {
    let class = color_class(s.color);
    let _ = writeln!(
        svg,
        "<g class=\"series {class}\" data-line=\"{}\" data-channel=\"{}\">",
        escape(&s.line),
        escape(&s.channel)
    );
    if s.style == Style::Line && s.points.len() > 1 {
        let pts: Vec<String> = s
            .points
            .iter()
            .map(|p| format!("{},{}", coord(x(p.date)), coord(y(p.value))))
            .collect();
        let _ = writeln!(
            svg,
            "<polyline class=\"line {class}\" points=\"{}\"/>",
            pts.join(" ")
        );
    }
    let (shape, r) = match s.style {
        Style::Line => ("dot", "4"),
        Style::Points => ("point", "3.5"),
    };
    for p in &s.points {
        let _ = writeln!(
            svg,
            "<circle class=\"{shape} {class}\" cx=\"{}\" cy=\"{}\" r=\"{r}\"><title>{}</title></circle>",
            coord(x(p.date)),
            coord(y(p.value)),
            escape(&format!("{} {}: {}", s.name, p.label, p.text))
        );
    }
    svg.push_str("</g>\n");
}

/// The y axis: a grid line and a label at each step of the scale.
fn y_axis(svg: &mut String, scale: &Scale, left: f64, plot_h: f64) {
    for k in 0..=scale.steps {
        let yy = TOP + plot_h * (1.0 - k as f64 / scale.steps as f64);
        let _ = writeln!(
            svg,
            "<line class=\"grid\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/><text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\" dominant-baseline=\"middle\">{}</text>",
            coord(left),
            coord(W - RIGHT),
            coord(yy),
            coord(yy),
            coord(left - 6.0),
            coord(yy),
            scale.label(k),
        );
    }
}

/// The x axis: its line and the first and last date, and two between when
/// the span is 90 days or more, hanging below the axis.
fn x_axis(
    svg: &mut String,
    left: f64,
    (d0, d1): (NaiveDate, NaiveDate),
    span: f64,
    x: impl Fn(NaiveDate) -> f64,
) {
    let _ = writeln!(
        svg,
        "<line class=\"axis\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>",
        coord(left),
        coord(W - RIGHT),
        coord(H - BOTTOM),
        coord(H - BOTTOM)
    );
    let ticks = date_ticks(d0, d1, span);
    for (n, d) in ticks.iter().enumerate() {
        let anchor = if span == 0.0 {
            "middle"
        } else if n == 0 {
            "start"
        } else if n == ticks.len() - 1 {
            "end"
        } else {
            "middle"
        };
        let _ = writeln!(
            svg,
            "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\" dominant-baseline=\"hanging\">{d}</text>",
            coord(x(*d)),
            coord(H - BOTTOM + 6.0)
        );
    }
}

/// The dates on the x axis: the first and last, and two between when the
/// span is 90 days or more.
fn date_ticks(d0: NaiveDate, d1: NaiveDate, span: f64) -> Vec<NaiveDate> {
    let mut ticks = vec![d0];
    if span >= 90.0 {
        for f in [1, 2] {
            ticks.push(d0 + chrono::Duration::days((span as i64) * f / 3));
        }
    }
    if d1 != d0 {
        ticks.push(d1);
    }
    ticks
}

/// The legend: a swatch and a name for each series and threshold.
fn legend(html: &mut String, series: &[Series], thresholds: &[Threshold]) {
    for s in series {
        let what = match s.style {
            Style::Line => "line",
            Style::Points => "points",
        };
        let _ = write!(
            html,
            "<span class=\"key\"><span class=\"swatch {what} {}\"></span>{}</span> ",
            color_class(s.color),
            escape(&s.name)
        );
    }
    for t in thresholds {
        let _ = write!(
            html,
            "<span class=\"key\"><span class=\"swatch gate\"></span>{}</span> ",
            escape(&t.label)
        );
    }
}

/// The chart's values as a table, oldest first.
fn values_table(html: &mut String, title: &str, series: &[Series]) {
    let mut rows: Vec<(NaiveDate, &str, &Point)> = series
        .iter()
        .flat_map(|s| s.points.iter().map(move |p| (p.date, s.name.as_str(), p)))
        .collect();
    rows.sort_by(|a, b| (a.0, a.1, &a.2.label).cmp(&(b.0, b.1, &b.2.label)));
    let _ = write!(
        html,
        "<details class=\"chart-table\">\n<summary>{} values</summary>\n<table>\n<thead><tr><th scope=\"col\">Date</th><th scope=\"col\">Release</th><th scope=\"col\">Series</th><th scope=\"col\" class=\"num\">{}</th></tr></thead>\n<tbody>\n",
        escape(title),
        escape(title)
    );
    for (date, name, p) in rows {
        let _ = writeln!(
            html,
            "<tr><td><time datetime=\"{date}\">{date}</time></td><td><a href=\"{}\">{}</a></td><td>{}</td><td class=\"num\">{}</td></tr>",
            escape(&p.href),
            escape(&p.label),
            escape(name),
            escape(&p.text)
        );
    }
    html.push_str("</tbody>\n</table>\n</details>\n");
}

#[cfg(test)]
mod tests;
