//! Templates and macros that would render themselves again: a template
//! that includes itself, through others or through its parent, or a macro
//! that calls itself. tera has no bound on either, so one of them in a
//! pull request recursed until the stack overflowed and the build
//! crashed. cadence's data holds no trees to walk, so the `template` rule
//! refuses every such cycle, whether or not it would stop; a chain of
//! calls longer than [`MAX_CHAIN`], which no theme needs; and a template
//! that renders more than [`MAX_RENDERS`] templates and macros in all
//! (ten includes of a template that includes another ten times, and so
//! on, is exponential).
//!
//! The calls are read from the syntax tree the check parsed: a template
//! calls the templates it includes (the first of a list that exists) and
//! its parent, and the macros it calls; a macro calls what its body
//! includes and calls, `ns::name` resolved as in the file that defines it.
//!
//! Part of the site layer.

use std::collections::{BTreeMap, BTreeSet};

use super::check::{Resolver, Source, Uses, nodes, outside_macros};
use super::locate::{Use, locate};
use crate::model::diagnostics::Finding;

/// Templates and macros called one inside another at most.
pub const MAX_CHAIN: usize = 32;

/// Templates and macros one template may render in all, counting each
/// place that includes or calls one (a call inside a `for` once): a
/// template that includes another ten times, which includes a third ten
/// times, ... renders exponentially many.
pub const MAX_RENDERS: u64 = 10_000;

/// A template, or a macro of a file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Unit {
    Template(String),
    Macro(String, String),
}

impl Unit {
    fn file(&self) -> &str {
        match self {
            Unit::Template(f) | Unit::Macro(f, _) => f,
        }
    }

    fn label(&self) -> String {
        match self {
            Unit::Template(f) => f.clone(),
            Unit::Macro(f, m) => format!("{f}::{m}"),
        }
    }
}

/// A call: what is called, the use that calls it (to find its line),
/// whether it is an `extends` (a cycle of only those is reported by the
/// check already), and how many times the caller's text makes it.
struct Call {
    to: Unit,
    by: Use,
    extends: bool,
    /// How many places of the caller make this call.
    times: usize,
}

/// Every unit with what it calls.
fn calls(r: &Resolver) -> BTreeMap<Unit, Vec<Call>> {
    let mut graph = BTreeMap::new();
    for (name, t) in r.parsed {
        let namespaces = r.namespaces(name, &mut Vec::new());
        let mut uses = Uses::new();
        outside_macros(&t.ast, &mut uses);
        let mut out = resolve(r, &uses, &namespaces);
        if let Some(parent) = t.parent.as_ref().filter(|p| r.parsed.contains_key(*p)) {
            out.push(Call {
                to: Unit::Template(parent.clone()),
                by: Use::Extends(parent.clone()),
                extends: true,
                times: 1,
            });
        }
        graph.insert(Unit::Template(name.clone()), out);
        for (m, def) in &t.macros {
            let mut uses = Uses::new();
            nodes(&def.body, &mut uses);
            graph.insert(
                Unit::Macro(name.clone(), m.clone()),
                resolve(r, &uses, &namespaces),
            );
        }
    }
    graph
}

/// Every template with the templates it imports macros from: tera loads
/// a template's macros and, in turn, those of every file it imports, with
/// no guard against a file that imports itself.
fn imports(parsed: &BTreeMap<String, tera::Template>) -> BTreeMap<Unit, Vec<Call>> {
    parsed
        .iter()
        .map(|(name, t)| {
            let out = t
                .imported_macro_files
                .iter()
                .filter(|(file, _)| parsed.contains_key(file))
                .map(|(file, _)| Call {
                    to: Unit::Template(file.clone()),
                    by: Use::Import(file.clone()),
                    extends: false,
                    times: 1,
                })
                .collect();
            (Unit::Template(name.clone()), out)
        })
        .collect()
}

/// The calls among `uses`, macros resolved through `namespaces`.
fn resolve(
    r: &Resolver,
    uses: &Uses,
    namespaces: &std::collections::HashMap<String, String>,
) -> Vec<Call> {
    uses.iter()
        .filter_map(|(u, &times)| {
            let to = match u {
                Use::Include(all) | Use::IncludeOptional(all) => Unit::Template(
                    all.iter()
                        .find(|n| r.parsed.contains_key(n.as_str()))?
                        .clone(),
                ),
                Use::Macro(ns, name) => {
                    let file = namespaces.get(ns)?;
                    r.parsed.get(file)?.macros.get(name)?;
                    Unit::Macro(file.clone(), name.clone())
                }
                _ => return None,
            };
            Some(Call {
                to,
                by: u.clone(),
                extends: false,
                times,
            })
        })
        .collect()
}

/// The `template` findings of cycles and of chains too long, each at the
/// use in its first unit's file that makes the first call.
pub(super) fn findings(
    sources: &[Source],
    tera: &tera::Tera,
    parsed: &BTreeMap<String, tera::Template>,
) -> Vec<Finding> {
    let names: BTreeSet<&str> = sources.iter().map(|s| s.name.as_str()).collect();
    let text: BTreeMap<&str, &Source> = sources.iter().map(|s| (s.name.as_str(), s)).collect();
    let mut out = Vec::new();
    // A cycle of imports recurses as tera loads the macros, before
    // anything renders.
    let imported = walk(&imports(parsed));
    for cycle in imported.cycles {
        out.extend(cycle_finding(&text, &cycle, "imports itself"));
    }
    let Walk {
        cycles,
        longest,
        most,
    } = walk(&calls(&Resolver::new(tera, &names, parsed)));
    for cycle in cycles {
        out.extend(cycle_finding(&text, &cycle, "renders itself again"));
    }
    let longest = [longest, imported.longest]
        .into_iter()
        .flatten()
        .max_by_key(Vec::len);
    if out.is_empty()
        && let Some(chain) = longest.filter(|c| c.len() > MAX_CHAIN)
        && let Some(s) = text.get(chain[0].0.file())
    {
        let labels: Vec<String> = chain.iter().map(|(u, _)| u.label()).collect();
        out.push(
            Finding::error(
                "template",
                &s.file,
                format!(
                    "`{}` starts a chain of {} templates and macros called one inside another ({} ...), more than the {MAX_CHAIN} cadence renders",
                    s.name,
                    chain.len(),
                    labels[..4].join(" -> ")
                ),
            )
            .at(locate(&s.text, &chain[0].1))
            .help("call fewer levels deep: inline some of them"),
        );
    }
    if out.is_empty()
        && let Some((unit, by, renders)) = most.filter(|m| m.2 > MAX_RENDERS)
        && let Some(s) = text.get(unit.file())
    {
        let renders = if renders == u64::MAX {
            "more than 18 quintillion".to_string()
        } else {
            renders.to_string()
        };
        out.push(
            Finding::error(
                "template",
                &s.file,
                format!(
                    "`{}` renders {renders} templates and macros in all ({} calls or includes others that do the same), more than the {MAX_RENDERS} cadence renders for one page",
                    s.name,
                    unit.label()
                ),
            )
            .at(locate(&s.text, &by))
            .help("include or call each template once, and loop over a list with `for` for what repeats"),
        );
    }
    out
}

/// The finding of a cycle, at the use in its first unit's file that makes
/// the first step: "`a.html` renders itself again: a.html -> b.html ->
/// a.html".
fn cycle_finding(text: &BTreeMap<&str, &Source>, cycle: &Path, what: &str) -> Option<Finding> {
    let first = &cycle[0];
    let chain: Vec<String> = cycle.iter().map(|(u, _)| u.label()).collect();
    let s = text.get(first.0.file())?;
    Some(
        Finding::error(
            "template",
            &s.file,
            format!("`{}` {what}: {} -> {}", s.name, chain.join(" -> "), chain[0]),
        )
        .at(locate(&s.text, &first.1))
        .help(
            "a template or macro that includes, calls or imports itself is refused, since one \
             that never stops crashes the build: write the levels out, or loop over a list with `for`",
        ),
    )
}

/// A path of units, each with the use that calls the next.
type Path = Vec<(Unit, Use)>;

/// Depth-first over the graph, without recursion (a hostile theme can
/// chain thousands of macros): each cycle met (once per set of units, a
/// cycle of only `extends` left out), and the longest chain of calls when
/// there is no cycle.
/// What [`walk`] finds.
struct Walk {
    cycles: Vec<Path>,
    /// The longest chain of calls.
    longest: Option<Path>,
    /// The unit that renders the most in all, with its call that adds the
    /// most, and that count (saturated at `u64::MAX`).
    most: Option<(Unit, Use, u64)>,
}

fn walk(graph: &BTreeMap<Unit, Vec<Call>>) -> Walk {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let units: Vec<&Unit> = graph.keys().collect();
    let index: BTreeMap<&Unit, usize> = units.iter().enumerate().map(|(i, u)| (*u, i)).collect();
    let mut mark = vec![Mark::New; units.len()];
    // The longest chain from each finished unit: its length and next step.
    let mut longest: Vec<(usize, Option<(usize, usize)>)> = vec![(1, None); units.len()];
    // What each finished unit renders in all, itself included.
    let mut renders: Vec<u64> = vec![1; units.len()];
    let mut cycles: Vec<Path> = Vec::new();
    let mut seen: BTreeSet<Vec<usize>> = BTreeSet::new();
    for start in 0..units.len() {
        if mark[start] != Mark::New {
            continue;
        }
        // (unit, index of its next call to follow)
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        mark[start] = Mark::Open;
        while let Some(top) = stack.last_mut() {
            let (u, k) = *top;
            let out = &graph[units[u]];
            if k == out.len() {
                for (k, call) in out.iter().enumerate() {
                    let v = index[&call.to];
                    if mark[v] != Mark::Done {
                        continue;
                    }
                    if longest[v].0 + 1 > longest[u].0 {
                        longest[u] = (longest[v].0 + 1, Some((k, v)));
                    }
                    let times = u64::try_from(call.times).unwrap_or(u64::MAX);
                    renders[u] = renders[u].saturating_add(times.saturating_mul(renders[v]));
                }
                // Only now: a call of itself is a cycle, not a step.
                mark[u] = Mark::Done;
                stack.pop();
                continue;
            }
            top.1 += 1;
            let v = index[&out[k].to];
            match mark[v] {
                Mark::New => {
                    mark[v] = Mark::Open;
                    stack.push((v, 0));
                }
                Mark::Open => {
                    let from = stack.iter().position(|&(w, _)| w == v).expect("open");
                    let path: Vec<(usize, usize)> =
                        stack[from..].iter().map(|&(w, n)| (w, n - 1)).collect();
                    let all_extends = path.iter().all(|&(w, n)| graph[units[w]][n].extends);
                    let mut key: Vec<usize> = path.iter().map(|&(w, _)| w).collect();
                    key.sort_unstable();
                    if !all_extends && seen.insert(key) {
                        cycles.push(
                            path.iter()
                                .map(|&(w, n)| (units[w].clone(), graph[units[w]][n].by.clone()))
                                .collect(),
                        );
                    }
                }
                Mark::Done => {}
            }
        }
    }
    let chain = (0..units.len())
        .max_by_key(|&u| (longest[u].0, std::cmp::Reverse(u)))
        .map(|mut u| {
            let mut path = Vec::new();
            while let Some((k, v)) = longest[u].1 {
                path.push((units[u].clone(), graph[units[u]][k].by.clone()));
                u = v;
            }
            path.push((units[u].clone(), Use::Extends(String::new())));
            path
        });
    let most = (0..units.len())
        .filter(|&u| !graph[units[u]].is_empty())
        .max_by_key(|&u| (renders[u], std::cmp::Reverse(u)))
        .map(|u| {
            let out = &graph[units[u]];
            let call = out
                .iter()
                .max_by_key(|c| (c.times as u64).saturating_mul(renders[index[&c.to]]))
                .expect("not empty");
            (units[u].clone(), call.by.clone(), renders[u])
        });
    Walk {
        cycles,
        longest: chain,
        most,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(files: &[(&str, &str)]) -> Vec<String> {
        let sources = Source::overrides(files);
        super::super::checked(&sources, &tera::Tera::default())
            .0
            .into_iter()
            .map(|f| format!("{}:{} {}", f.file, f.line.unwrap_or(0), f.message))
            .collect()
    }

    #[test]
    fn cycles_through_includes_parents_macros_and_imports_are_found_once() {
        let got = found(&[
            (
                "base.html",
                "{% block b %}{% endblock b %}\n{% include \"part.html\" %}",
            ),
            (
                "page.html",
                "{% extends \"base.html\" %}{% block b %}x{% endblock b %}",
            ),
            ("part.html", "{% include \"page.html\" %}"),
            (
                "m.html",
                "{% macro a() %}\n{{ self::b() }}{% endmacro a %}{% macro b() %}{{ self::a() }}{% endmacro b %}",
            ),
            ("n.html", "{% import \"o.html\" as o %}"),
            ("o.html", "\n{% import \"n.html\" as n %}"),
        ]);
        assert_eq!(got.len(), 3, "{got:#?}");
        assert!(
            got.iter()
                .any(|f| f.starts_with("themes/t/templates/n.html:1 ")
                    && f.ends_with("imports itself: n.html -> o.html -> n.html")),
            "{got:#?}"
        );
        assert!(
            got.iter()
                .any(|f| f.starts_with("themes/t/templates/base.html:2 ")
                    && f.ends_with("base.html -> part.html -> page.html -> base.html")),
            "{got:#?}"
        );
        assert!(
            got.iter()
                .any(|f| f.starts_with("themes/t/templates/m.html:2 ")
                    && f.ends_with("m.html::a -> m.html::b -> m.html::a")),
            "{got:#?}"
        );
    }

    /// Random themes of three templates built from whole constructs:
    /// whatever the check lets through renders without recursing for ever
    /// (a recursion it missed would overflow the stack and abort the
    /// tests) and without a panic in tera (it found `super()` in a block
    /// inside an `if`, and files that import each other).
    #[test]
    fn what_the_check_passes_renders_without_recursing_for_ever() {
        let mut seed: u64 = 7;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        let names = ["a.html", "b.html", "c.html"];
        let (mut clean, mut rendered) = (0, 0);
        for _ in 0..5000 {
            let files: Vec<(String, String)> = names
                .iter()
                .map(|name| {
                    let other = names[next(3)];
                    let mut text = match next(5) {
                        0 => format!("{{% import \"{other}\" as m %}}"),
                        1 => format!("{{% extends \"{other}\" %}}"),
                        _ => String::new(),
                    };
                    let piece = |next: &mut dyn FnMut(usize) -> usize| -> String {
                        let other = names[next(3)];
                        match next(7) {
                            0 => format!("{{% include \"{other}\" %}}"),
                            1 => format!("{{% include [\"z.html\", \"{other}\"] %}}"),
                            2 => format!("{{% include \"{other}\" ignore missing %}}"),
                            3 => "{{ m::x() }}".to_string(),
                            4 => "{{ self::x() }}".to_string(),
                            5 => "{% block k %}k{{ super() }}{% endblock k %}".to_string(),
                            _ => "text".to_string(),
                        }
                    };
                    for _ in 0..next(4) {
                        let p = piece(&mut next);
                        text.push_str(&if next(2) == 0 {
                            format!("{{% if true %}}{p}{{% endif %}}")
                        } else {
                            p
                        });
                    }
                    if next(2) == 0 {
                        let p = piece(&mut next);
                        text.push_str(&format!("{{% macro x() %}}{p}{{% endmacro x %}}"));
                    }
                    (name.to_string(), text)
                })
                .collect();
            let files: Vec<(&str, &str)> = files
                .iter()
                .map(|(n, t)| (n.as_str(), t.as_str()))
                .collect();
            let sources = Source::overrides(&files);
            let mut tera = tera::Tera::default();
            let (findings, parsed) = super::super::checked(&sources, &tera);
            if !findings.is_empty() {
                continue;
            }
            clean += 1;
            tera.templates.extend(parsed);
            if tera.build_inheritance_chains().is_err() || tera.check_macro_files().is_err() {
                continue;
            }
            for name in names {
                let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    tera.render(name, &tera::Context::new())
                }));
                assert!(r.is_ok(), "tera panicked rendering {name} of {files:#?}");
                rendered += usize::from(matches!(r, Ok(Ok(_))));
            }
        }
        // The generator reaches rendering often enough to mean something.
        assert!(
            clean >= 150 && rendered >= 300,
            "{clean} clean, {rendered} rendered"
        );
    }

    #[test]
    fn exponential_includes_are_found() {
        let theme = |n: usize| -> Vec<(String, String)> {
            let names = ["a.html", "b.html", "c.html", "d.html", "e.html"];
            names
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    let text = match names.get(i + 1) {
                        Some(next) => format!("{{% include \"{next}\" %}}").repeat(n),
                        None => "leaf".to_string(),
                    };
                    (name.to_string(), text)
                })
                .collect()
        };
        let files = theme(10);
        let files: Vec<(&str, &str)> = files
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let got = found(&files);
        assert_eq!(got.len(), 1, "{got:#?}");
        assert!(
            got[0].starts_with("themes/t/templates/a.html:1 `a.html` renders 11111 templates"),
            "{got:#?}"
        );
        let files = theme(9);
        let files: Vec<(&str, &str)> = files
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        assert!(found(&files).is_empty());
    }

    #[test]
    fn a_long_chain_is_found_and_a_short_one_is_not() {
        let chain = |n: usize| -> String {
            (0..n)
                .map(|i| {
                    format!(
                        "{{% macro m{i}() %}}{{{{ self::m{}() }}}}{{% endmacro m{i} %}}\n",
                        i + 1
                    )
                })
                .chain([format!("{{% macro m{n}() %}}end{{% endmacro m{n} %}}")])
                .collect()
        };
        let short = chain(MAX_CHAIN - 1);
        assert!(found(&[("m.html", &short)]).is_empty());
        let long = chain(5_000);
        let got = found(&[("m.html", &long)]);
        assert_eq!(got.len(), 1, "{got:#?}");
        assert!(got[0].contains("chain of 5001"), "{got:#?}");
    }
}
