//! Medians and percentiles of repeated timings.

use serde::{Deserialize, Serialize};

/// The median and 90th percentile of a series, in the series' unit: the
/// field that holds a `Spread` names it (`startup_us`, `run_us`, ...).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
pub struct Spread {
    pub median: f64,
    pub p90: f64,
    pub runs: usize,
}

impl Spread {
    /// `None` for an empty series.
    pub fn of(samples: &[f64]) -> Option<Spread> {
        if samples.is_empty() {
            return None;
        }
        let mut sorted = samples.to_vec();
        sorted.sort_by(f64::total_cmp);
        Some(Spread {
            median: percentile(&sorted, 50.0),
            p90: percentile(&sorted, 90.0),
            runs: sorted.len(),
        })
    }
}

/// Nearest-rank percentile of sorted, non-empty `sorted`.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_p90_by_nearest_rank() {
        let samples: Vec<f64> = (1..=10).rev().map(f64::from).collect();
        let spread = Spread::of(&samples).unwrap();
        assert_eq!(spread.median, 5.0);
        assert_eq!(spread.p90, 9.0);
        assert_eq!(spread.runs, 10);
        assert_eq!(Spread::of(&[]), None);
    }
}
