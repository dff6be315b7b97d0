//! Tests of the evaluation chart: its structure, its value axis, and
//! that any finite values draw a well-formed SVG.

use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn point(date: &str, value: f64, label: &str) -> Point {
    Point {
        date: d(date),
        value,
        text: format!("{value}"),
        label: label.into(),
        href: format!("/m/c/{label}/"),
    }
}

#[test]
fn draws_finals_as_a_line_builds_as_points_and_the_gate() {
    let series = vec![
        Series {
            name: "Versioned 1.x".into(),
            line: "1.x".into(),
            channel: "versioned".into(),
            style: Style::Line,
            color: 0,
            points: vec![
                point("2024-09-16", 7.23, "1.1.0"),
                point("2024-12-16", 7.4, "1.2.0"),
            ],
        },
        Series {
            name: "Stream <dev>".into(),
            line: "stream".into(),
            channel: "stream".into(),
            style: Style::Points,
            color: 1,
            points: vec![point("2024-10-01", 7.31, "2024-10-01")],
        },
    ];
    let gate = Threshold {
        value: 7.1,
        label: "gate ≥ 7.1".into(),
        floor: true,
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
                label: "gate ≥ 7.1".into(),
                floor: true,
            }]
        )
    );
}

#[test]
fn one_point_and_equal_values_still_draw() {
    let series = vec![Series {
        name: "Versioned".into(),
        line: "1.x".into(),
        channel: "versioned".into(),
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

/// The chart's SVG parsed as XML; every number of its geometry
/// (coordinates, radii, polyline points, the view box) and every tick
/// label, each checked finite and on the canvas.
fn drawn(html: &str) -> Vec<f64> {
    let start = html.find("<svg").expect("an <svg>");
    let end = html.find("</svg>").expect("an </svg>") + "</svg>".len();
    let doc = roxmltree::Document::parse(&html[start..end])
        .unwrap_or_else(|e| panic!("the SVG is not well-formed XML: {e}\n{html}"));
    let mut numbers = Vec::new();
    for node in doc.descendants().filter(|n| n.is_element()) {
        for a in node.attributes() {
            let list: Vec<&str> = match a.name() {
                "x" | "y" | "x1" | "x2" | "y1" | "y2" | "cx" | "cy" | "r" => vec![a.value()],
                "points" | "viewBox" => a
                    .value()
                    .split([' ', ','])
                    .filter(|s| !s.is_empty())
                    .collect(),
                _ => continue,
            };
            for n in list {
                let v: f64 = n
                    .parse()
                    .unwrap_or_else(|_| panic!("{}=\"{n}\" is not a number", a.name()));
                assert!(
                    v.is_finite() && (-W..=2.0 * W).contains(&v),
                    "{}=\"{n}\" is off the canvas:\n{html}",
                    a.name()
                );
                numbers.push(v);
            }
        }
        if node.has_tag_name("text") && node.attribute("class") == Some("tick") {
            let label = node.text().unwrap_or_default();
            if NaiveDate::parse_from_str(label, "%Y-%m-%d").is_err() {
                // `4e308` is a number, though above f64::MAX.
                let _: f64 = label
                    .parse()
                    .unwrap_or_else(|_| panic!("tick label {label:?} is not a number"));
                assert!(!label.contains("inf"), "tick label {label:?}");
                assert!(label.len() <= 16, "tick label {label:?} is too long");
            }
        }
    }
    numbers
}

fn chart_of(values: &[f64], gate: Option<f64>) -> String {
    let dates = ["2024-09-16", "2024-12-16", "2025-03-16", "2025-06-16"];
    let points = values
        .iter()
        .enumerate()
        .map(|(n, &v)| point(dates[n % dates.len()], v, &format!("1.{n}.0")))
        .collect();
    let series = vec![Series {
        name: "Versioned".into(),
        line: "1.x".into(),
        channel: "versioned".into(),
        style: Style::Line,
        color: 0,
        points,
    }];
    let gates: Vec<Threshold> = gate
        .map(|value| Threshold {
            value,
            label: "gate".into(),
            floor: true,
        })
        .into_iter()
        .collect();
    render("c", "M", &series, &gates)
}

#[test]
fn huge_tiny_and_mixed_values_draw_on_the_canvas() {
    let cases: &[&[f64]] = &[
        &[9e307, -9e307],
        &[f64::MAX, f64::MIN],
        &[f64::MAX, f64::MAX],
        &[1e308, 1.7e308],
        &[5e-324, -5e-324],
        &[5e-324, 5e-324],
        &[f64::MIN_POSITIVE, 0.0],
        &[1e-300, 1e300],
        &[1.0, 1.0 + f64::EPSILON],
        &[-0.0, 0.0],
        &[1e15, 1e15 + 2.0],
        &[7.23, 7.4, 7.31],
        &[0.5, 0.52],
    ];
    for values in cases {
        for gate in [None, Some(7.1), Some(f64::MAX), Some(-1e-310)] {
            let html = chart_of(values, gate);
            assert!(!html.contains("NaN") && !html.contains("inf"), "{values:?}");
            let numbers = drawn(&html);
            assert!(numbers.len() > 10, "{values:?}");
            let ticks = html.matches("<line class=\"grid\"").count();
            assert!((2..=12).contains(&ticks), "{ticks} ticks for {values:?}");
        }
    }
}

fn ticks(html: &str) -> Vec<f64> {
    let start = html.find("<svg").unwrap();
    let end = html.find("</svg>").unwrap() + "</svg>".len();
    let doc = roxmltree::Document::parse(&html[start..end]).unwrap();
    doc.descendants()
        .filter(|n| n.attribute("class") == Some("tick"))
        .filter_map(|n| n.text()?.parse().ok())
        .collect()
}

#[test]
fn the_value_axis_starts_at_zero_or_the_gate_and_is_never_a_cliff() {
    // No gate: from 0, so 7.23 to 7.24 is a hundredth of the axis.
    let t = ticks(&chart_of(&[7.23, 7.24], None));
    assert_eq!((t[0], *t.last().unwrap()), (0.0, 8.0), "{t:?}");
    let t = ticks(&chart_of(&[1200.0, 3400.0], None));
    assert_eq!(t[0], 0.0, "{t:?}");
    // Negative scores: zero is the top of the axis.
    let t = ticks(&chart_of(&[-3.0, -2.5], None));
    assert!(t[0] <= -3.0 && *t.last().unwrap() == 0.0, "{t:?}");
    // A gate's floor is the baseline, with the values above it.
    let t = ticks(&chart_of(&[7.23, 7.4], Some(7.1)));
    assert!(t[0] <= 7.1 && t[0] > 6.0, "{t:?}");
    // ... but the axis spans at least a tenth of the scores, so 7.10 to
    // 7.11 just above the gate is no cliff either.
    let t = ticks(&chart_of(&[7.1, 7.11], Some(7.1)));
    assert!(t.last().unwrap() - t[0] >= 0.7, "{t:?}");
    // A gate above every score is on the axis too.
    let t = ticks(&chart_of(&[0.5, 0.52], Some(0.9)));
    assert!(*t.last().unwrap() >= 0.9, "{t:?}");
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config {
        cases: 300,
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(15),
        ..Default::default()
    })]

    #[test]
    fn any_finite_values_draw_a_well_formed_chart(
        values in proptest::collection::vec(finite(), 1..6),
        gate in proptest::option::of(finite()),
    ) {
        let html = chart_of(&values, gate);
        proptest::prop_assert!(!html.contains("NaN") && !html.contains("inf"));
        drawn(&html);
    }
}

/// Any finite f64: huge, tiny, subnormal, zero, either sign.
fn finite() -> impl proptest::strategy::Strategy<Value = f64> {
    use proptest::num::f64::{NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
    POSITIVE | NEGATIVE | NORMAL | SUBNORMAL | ZERO
}
