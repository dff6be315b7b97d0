//! The value axis of the evaluation chart: a range that holds every value
//! and ticks at a round step (1, 2 or 5 times a power of ten), robust for
//! any finite values.
//!
//! Part of the site layer.

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

/// Values that differ by less than this, relative to the largest, draw as
/// one flat line (a millionth of the plot's height is far below a pixel).
const FLAT: f64 = 1e-6;

/// The value axis. Any finite values (`9e307` beside `-9e307`, `5e-324`)
/// give a bounded number of ticks and finite coordinates: the arithmetic
/// runs on the values divided by `10^exp`, which brings the largest
/// magnitude between 1 and 10, so no difference overflows and no step
/// underflows.
pub(super) struct Scale {
    /// The power of ten the values are divided by.
    exp: i32,
    /// The axis' ends and tick step, in units of `10^exp`.
    lo: f64,
    hi: f64,
    step: f64,
    /// Steps from `lo` to `hi`.
    pub(super) steps: usize,
    /// Digits after the point of a tick, in units of `10^exp`.
    decimals: usize,
}

impl Scale {
    pub(super) fn new(values: &[f64]) -> Scale {
        let finite = values.iter().copied().filter(|v| v.is_finite());
        let largest = finite.clone().map(f64::abs).fold(0.0, f64::max);
        let exp = if largest > 0.0 {
            (largest.log10().floor() as i32).clamp(-330, 310)
        } else {
            0
        };
        let mut scale = Scale {
            exp,
            lo: 0.0,
            hi: 0.0,
            step: 1.0,
            steps: 1,
            decimals: 0,
        };
        let scaled: Vec<f64> = finite.map(|v| scale.scaled(v)).collect();
        let mut lo = scaled.iter().copied().fold(f64::INFINITY, f64::min);
        let mut hi = scaled.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if scaled.is_empty() {
            (lo, hi) = (0.0, 0.0);
        }
        // A little room above and below, so no point sits on the frame.
        if hi - lo <= FLAT * lo.abs().max(hi.abs()) {
            let mid = lo / 2.0 + hi / 2.0;
            let pad = if mid == 0.0 { 1.0 } else { mid.abs() * 0.1 };
            (lo, hi) = (mid - pad, mid + pad);
        } else {
            // A side at zero (the baseline) stays there.
            let pad = (hi - lo) * 0.08;
            (lo, hi) = (
                if lo == 0.0 { lo } else { lo - pad },
                if hi == 0.0 { hi } else { hi + pad },
            );
        }
        let step = nice_step(hi - lo);
        scale.lo = (lo / step).floor() * step;
        scale.hi = (hi / step).ceil() * step;
        scale.step = step;
        // At most about ten: the range is below ten steps of `nice_step`.
        scale.steps = (((scale.hi - scale.lo) / step).round() as usize).clamp(1, 20);
        scale.hi = scale.lo + step * scale.steps as f64;
        scale.decimals = (-step.log10().floor()).max(0.0) as usize;
        scale
    }

    /// `10^exp` as two factors, neither of which over- or underflows.
    fn factors(&self) -> (f64, f64) {
        let half = self.exp / 2;
        (10f64.powi(half), 10f64.powi(self.exp - half))
    }

    fn scaled(&self, v: f64) -> f64 {
        let (a, b) = self.factors();
        v / a / b
    }

    /// The `k`th tick from the bottom, in units of `10^exp`.
    fn tick(&self, k: usize) -> f64 {
        let v = self.lo + self.step * k as f64;
        if v.abs() < self.step / 1e6 { 0.0 } else { v }
    }

    /// Where a value sits on the plot, from its top (0) to its bottom (1).
    pub(super) fn fraction(&self, v: f64) -> f64 {
        let f = (self.hi - self.scaled(v)) / (self.hi - self.lo);
        if f.is_nan() { 0.5 } else { f.clamp(0.0, 1.0) }
    }

    /// A tick's label: plain for everyday magnitudes (`7.1`, `0.50`,
    /// `2000`), else with an exponent (`-2.0e308`, `2.5e-9`).
    pub(super) fn label(&self, k: usize) -> String {
        let t = self.tick(k);
        if (-4..=6).contains(&self.exp) {
            let (a, b) = self.factors();
            let decimals = (self.decimals as i32 - self.exp).max(0) as usize;
            return format!("{:.decimals$}", t * a * b);
        }
        if t == 0.0 {
            return "0".into();
        }
        // Ticks up to 20 units of `10^exp`: one digit before the point.
        let (t, exp, step) = if self.lo.abs().max(self.hi.abs()) >= 10.0 {
            (t / 10.0, self.exp + 1, self.step / 10.0)
        } else {
            (t, self.exp, self.step)
        };
        let decimals = (-step.log10().floor()).max(0.0) as usize;
        format!("{t:.decimals$}e{exp}")
    }
}
