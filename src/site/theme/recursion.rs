//! Templates and macros that would render themselves again: a template
//! that includes itself, through others or through its parent, or a macro
//! that calls itself. tera has no bound on either, so one of them in a
//! pull request recursed until the stack overflowed and the build
//! crashed. cadence's data holds no trees to walk, so the `template` rule
//! refuses every such cycle, whether or not it would stop; and a chain of
//! calls longer than [`MAX_CHAIN`], which no theme needs.
//!
//! The calls are read from the syntax tree the check parsed: a template
//! calls the templates it includes (the first of a list that exists) and
//! its parent, and the macros it calls; a macro calls what its body
//! includes and calls, `ns::name` resolved as in the file that defines it.
//!
//! Part of the site layer.

use std::collections::{BTreeMap, BTreeSet};

use super::check::{Resolver, Source, nodes, outside_macros};
use super::locate::{Use, locate};
use crate::model::diagnostics::Finding;

/// Templates and macros called one inside another at most.
pub const MAX_CHAIN: usize = 32;

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

/// A call: what is called, the use that calls it (to find its line), and
/// whether it is an `extends` (a cycle of only those is reported by the
/// check already).
struct Call {
    to: Unit,
    by: Use,
    extends: bool,
}

/// Every unit with what it calls.
fn calls(r: &Resolver) -> BTreeMap<Unit, Vec<Call>> {
    let mut graph = BTreeMap::new();
    for (name, t) in r.parsed {
        let namespaces = r.namespaces(name, &mut Vec::new());
        let mut uses = BTreeSet::new();
        outside_macros(&t.ast, &mut uses);
        let mut out = resolve(r, &uses, &namespaces);
        if let Some(parent) = t.parent.as_ref().filter(|p| r.parsed.contains_key(*p)) {
            out.push(Call {
                to: Unit::Template(parent.clone()),
                by: Use::Extends(parent.clone()),
                extends: true,
            });
        }
        graph.insert(Unit::Template(name.clone()), out);
        for (m, def) in &t.macros {
            let mut uses = BTreeSet::new();
            nodes(&def.body, &mut uses);
            graph.insert(
                Unit::Macro(name.clone(), m.clone()),
                resolve(r, &uses, &namespaces),
            );
        }
    }
    graph
}

/// The calls among `uses`, macros resolved through `namespaces`.
fn resolve(
    r: &Resolver,
    uses: &BTreeSet<Use>,
    namespaces: &std::collections::HashMap<String, String>,
) -> Vec<Call> {
    uses.iter()
        .filter_map(|u| {
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
    let graph = calls(&Resolver::new(tera, &names, parsed));
    let text: BTreeMap<&str, &Source> = sources.iter().map(|s| (s.name.as_str(), s)).collect();
    let mut out = Vec::new();
    let (cycles, longest) = walk(&graph);
    for cycle in cycles {
        let first = &cycle[0];
        let chain: Vec<String> = cycle.iter().map(|(u, _)| u.label()).collect();
        let Some(s) = text.get(first.0.file()) else {
            continue;
        };
        out.push(
            Finding::error(
                "template",
                &s.file,
                format!(
                    "`{}` renders itself again: {} -> {}",
                    s.name,
                    chain.join(" -> "),
                    chain[0]
                ),
            )
            .at(locate(&s.text, &first.1))
            .help(
                "a template or macro that includes or calls itself is refused, since one that \
                 never stops crashes the build: write the levels out, or loop over a list with `for`",
            ),
        );
    }
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
    out
}

/// A path of units, each with the use that calls the next.
type Path = Vec<(Unit, Use)>;

/// Depth-first over the graph, without recursion (a hostile theme can
/// chain thousands of macros): each cycle met (once per set of units, a
/// cycle of only `extends` left out), and the longest chain of calls when
/// there is no cycle.
fn walk(graph: &BTreeMap<Unit, Vec<Call>>) -> (Vec<Path>, Option<Path>) {
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
                mark[u] = Mark::Done;
                for (k, call) in out.iter().enumerate() {
                    let v = index[&call.to];
                    if mark[v] == Mark::Done && longest[v].0 + 1 > longest[u].0 {
                        longest[u] = (longest[v].0 + 1, Some((k, v)));
                    }
                }
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
    (cycles, chain)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(files: &[(&str, &str)]) -> Vec<String> {
        let sources: Vec<Source> = files
            .iter()
            .map(|(name, text)| Source {
                name: name.to_string(),
                file: format!("themes/t/templates/{name}"),
                text: text.to_string(),
            })
            .collect();
        super::super::checked(&sources, &tera::Tera::default())
            .0
            .into_iter()
            .map(|f| format!("{}:{} {}", f.file, f.line.unwrap_or(0), f.message))
            .collect()
    }

    #[test]
    fn cycles_through_includes_parents_and_macros_are_found_once() {
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
                "{% import \"n.html\" as n %}{% macro a() %}\n{{ n::b() }}{% endmacro a %}",
            ),
            (
                "n.html",
                "{% import \"m.html\" as m %}{% macro b() %}{{ m::a() }}{% endmacro b %}",
            ),
        ]);
        assert_eq!(got.len(), 2, "{got:#?}");
        assert!(
            got[0].starts_with("themes/t/templates/base.html:2 ")
                && got[0].ends_with("base.html -> part.html -> page.html -> base.html"),
            "{got:#?}"
        );
        assert!(
            got[1].starts_with("themes/t/templates/m.html:2 ")
                && got[1].ends_with("m.html::a -> n.html::b -> m.html::a"),
            "{got:#?}"
        );
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
