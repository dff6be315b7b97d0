//! How long each stage of a command took, printed with `--verbose`
//! (commands layer).

use std::time::{Duration, Instant};

/// Stage durations, printed on one line to stderr when on.
pub struct Stages {
    on: bool,
    what: &'static str,
    last: Instant,
    marks: Vec<(&'static str, Duration)>,
}

impl Stages {
    pub fn new(on: bool, what: &'static str) -> Stages {
        Stages {
            on,
            what,
            last: Instant::now(),
            marks: Vec::new(),
        }
    }

    /// The stage that ends now.
    pub fn mark(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.marks.push((stage, now - self.last));
        self.last = now;
    }

    pub fn print(&self) {
        if self.on {
            let parts: Vec<String> = self
                .marks
                .iter()
                .map(|(s, d)| format!("{s} {:.1} ms", d.as_secs_f64() * 1000.0))
                .collect();
            crate::commands::terminal::line(&format!("{} stages: {}", self.what, parts.join(", ")));
        }
    }
}
