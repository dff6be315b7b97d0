//! The evaluation chart of a model page: an inline SVG line chart of one
//! metric over time (versioned finals as a line, stream builds as points,
//! the gate as a dashed line) and an accessible table of the same values.
//!
//! No JavaScript: each point carries a `<title>` that browsers show on
//! hover. Colours come from the page's stylesheet (`.chart .s0` ...), so
//! they follow light and dark mode. Numbers are formatted with fixed
//! precision, so the output is byte-identical for the same input.

use std::fmt::Write as _;

use chrono::NaiveDate;

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Points joined by a line (versioned finals).
    Line,
    /// Points only (stream builds).
    Points,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub date: NaiveDate,
    pub value: f64,
    /// The version the value belongs to.
    pub label: String,
    /// Link to the release page.
    pub href: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub style: Style,
    /// Which of the stylesheet's four series colours (`s0`..`s3`) to use,
    /// so one channel keeps its colour across charts.
    pub color: usize,
    /// In date order.
    pub points: Vec<Point>,
}

/// A horizontal threshold (a gate's `min` or `max`).
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    pub value: f64,
    pub label: String,
}

const W: f64 = 640.0;
const H: f64 = 240.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 36.0;

use super::theme::escape;

/// A number as written in a manifest: the shortest form that reads back
/// the same (`7.23`, `0.5`, `12`).
pub fn number(v: f64) -> String {
    let s = format!("{v}");
    if s == "-0" { "0".into() } else { s }
}

/// Digits after the point in [`number`]'s form.
pub fn decimals(v: f64) -> usize {
    let s = number(v);
    s.split_once('.').map_or(0, |(_, f)| f.len())
}

/// A tick step of 1, 2 or 5 times a power of ten, about `range / 4`.
fn nice_step(range: f64) -> f64 {
    let raw = range / 4.0;
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    let nice = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

fn coord(v: f64) -> String {
    format!("{v:.1}")
}

/// One chart, as an HTML fragment: a `<figure>` with the SVG and a legend,
/// then the values in a table. `id` must be unique on the page.
pub fn render(id: &str, title: &str, series: &[Series], thresholds: &[Threshold]) -> String {
    let values: Vec<f64> = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.value))
        .chain(thresholds.iter().map(|t| t.value))
        .filter(|v| v.is_finite())
        .collect();
    let dates: Vec<NaiveDate> = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.date))
        .collect();
    let (Some(&d0), Some(&d1)) = (dates.iter().min(), dates.iter().max()) else {
        return String::new();
    };
    let mut lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let mut hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    // A little room above and below, so no point sits on the frame.
    let pad = if lo == hi {
        if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 }
    } else {
        (hi - lo) * 0.08
    };
    lo -= pad;
    hi += pad;
    let step = nice_step(hi - lo);
    lo = (lo / step).floor() * step;
    hi = (hi / step).ceil() * step;
    let step_decimals = (-step.log10().floor()).max(0.0) as usize;

    let span = (d1 - d0).num_days() as f64;
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let x = |d: NaiveDate| {
        if span == 0.0 {
            LEFT + plot_w / 2.0
        } else {
            LEFT + plot_w * (d - d0).num_days() as f64 / span
        }
    };
    let y = |v: f64| TOP + plot_h * (hi - v) / (hi - lo);

    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart-svg\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-labelledby=\"{id}-title\" xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"{id}-title\">{}</title>\n",
        escape(&format!("{title} over time"))
    );
    // Y axis: grid lines and labels.
    let mut k = 0;
    loop {
        let mut v = lo + step * k as f64;
        if v.abs() < step / 1e6 {
            v = 0.0;
        }
        if v > hi + step / 1000.0 {
            break;
        }
        let yy = coord(y(v));
        let _ = writeln!(
            svg,
            "<line class=\"grid\" x1=\"{}\" x2=\"{}\" y1=\"{yy}\" y2=\"{yy}\"/><text class=\"tick\" x=\"{}\" y=\"{yy}\" text-anchor=\"end\" dominant-baseline=\"middle\">{v:.step_decimals$}</text>",
            coord(LEFT),
            coord(W - RIGHT),
            coord(LEFT - 6.0),
        );
        k += 1;
    }
    // X axis: the first and last date, and two between when there is room.
    let _ = writeln!(
        svg,
        "<line class=\"axis\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>",
        coord(LEFT),
        coord(W - RIGHT),
        coord(H - BOTTOM),
        coord(H - BOTTOM)
    );
    let mut ticks = vec![d0];
    if span >= 90.0 {
        for f in [1, 2] {
            ticks.push(d0 + chrono::Duration::days((span as i64) * f / 3));
        }
    }
    if d1 != d0 {
        ticks.push(d1);
    }
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
            "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\">{d}</text>",
            coord(x(*d)),
            coord(H - BOTTOM + 18.0)
        );
    }
    // Thresholds.
    for t in thresholds {
        let yy = coord(y(t.value));
        let _ = writeln!(
            svg,
            "<line class=\"gate\" x1=\"{}\" x2=\"{}\" y1=\"{yy}\" y2=\"{yy}\"/><text class=\"gate-label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            coord(LEFT),
            coord(W - RIGHT),
            coord(W - RIGHT - 4.0),
            coord(y(t.value) - 5.0),
            escape(&t.label)
        );
    }
    // Series.
    for s in series {
        let class = format!("s{}", s.color % 4);
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
        let shape = if s.style == Style::Line {
            "dot"
        } else {
            "point"
        };
        for p in &s.points {
            let _ = writeln!(
                svg,
                "<circle class=\"{shape} {class}\" cx=\"{}\" cy=\"{}\" r=\"{}\"><title>{}</title></circle>",
                coord(x(p.date)),
                coord(y(p.value)),
                if s.style == Style::Line { "4" } else { "3.5" },
                escape(&format!("{} {}: {}", s.name, p.label, number(p.value)))
            );
        }
    }
    svg.push_str("</svg>\n");

    let mut html = String::new();
    let _ = write!(html, "<figure class=\"chart\">\n{svg}<figcaption>");
    for s in series {
        let what = match s.style {
            Style::Line => "line",
            Style::Points => "points",
        };
        let _ = write!(
            html,
            "<span class=\"key\"><span class=\"swatch {what} s{}\"></span>{}</span> ",
            s.color % 4,
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
    html.push_str("</figcaption>\n</figure>\n");

    // The same values as a table, oldest first.
    let mut rows: Vec<(NaiveDate, &str, &Point)> = series
        .iter()
        .flat_map(|s| s.points.iter().map(move |p| (p.date, s.name.as_str(), p)))
        .collect();
    rows.sort_by(|a, b| (a.0, a.1, &a.2.label).cmp(&(b.0, b.1, &b.2.label)));
    let _ = write!(
        html,
        "<details class=\"chart-table\">\n<summary>{} values</summary>\n<table>\n<thead><tr><th scope=\"col\">Date</th><th scope=\"col\">Release</th><th scope=\"col\">Channel</th><th scope=\"col\" class=\"num\">{}</th></tr></thead>\n<tbody>\n",
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
            number(p.value)
        );
    }
    html.push_str("</tbody>\n</table>\n</details>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn point(date: &str, value: f64, label: &str) -> Point {
        Point {
            date: d(date),
            value,
            label: label.into(),
            href: format!("/m/c/{label}/"),
        }
    }

    #[test]
    fn draws_finals_as_a_line_builds_as_points_and_the_gate() {
        let series = vec![
            Series {
                name: "Versioned".into(),
                style: Style::Line,
                color: 0,
                points: vec![
                    point("2024-09-16", 7.23, "1.1.0"),
                    point("2024-12-16", 7.4, "1.2.0"),
                ],
            },
            Series {
                name: "Stream <dev>".into(),
                style: Style::Points,
                color: 1,
                points: vec![point("2024-10-01", 7.31, "2024-10-01")],
            },
        ];
        let gate = Threshold {
            value: 7.1,
            label: "gate ≥ 7.1".into(),
        };
        let html = render("chart-1", "MT-Bench", &series, &[gate]);
        assert!(html.contains("role=\"img\""));
        assert!(html.contains("<title id=\"chart-1-title\">MT-Bench over time</title>"));
        assert_eq!(html.matches("<polyline").count(), 1);
        assert_eq!(html.matches("<circle").count(), 3);
        assert_eq!(html.matches("class=\"gate\"").count(), 1);
        assert!(html.contains("Stream &lt;dev&gt;"), "text is escaped");
        assert!(html.contains("<td class=\"num\">7.23</td>"));
        assert!(html.contains("<time datetime=\"2024-09-16\">2024-09-16</time>"));
        // Deterministic.
        assert_eq!(
            html,
            render(
                "chart-1",
                "MT-Bench",
                &series,
                &[Threshold {
                    value: 7.1,
                    label: "gate ≥ 7.1".into()
                }]
            )
        );
    }

    #[test]
    fn one_point_and_equal_values_still_draw() {
        let series = vec![Series {
            name: "Versioned".into(),
            style: Style::Line,
            color: 0,
            points: vec![point("2024-09-16", 0.0, "1.0.0")],
        }];
        let html = render("c", "MMLU", &series, &[]);
        assert!(!html.contains("NaN"), "{html}");
        assert!(!html.contains("inf"), "{html}");
        assert_eq!(html.matches("<circle").count(), 1);
        assert!(render("c", "MMLU", &[], &[]).is_empty());
    }

    #[test]
    fn numbers_are_written_shortest() {
        assert_eq!(number(7.23), "7.23");
        assert_eq!(number(12.0), "12");
        assert_eq!(decimals(0.525), 3);
    }
}
