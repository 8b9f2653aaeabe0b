//! The results of one run: what was measured ([`Run`], written as JSON),
//! shown as a Markdown page ([`markdown`]) and as a chart per language
//! ([`crate::chart`]), every figure also as a ratio to the baseline (our C
//! pause, glibc static).

mod markdown;
pub(crate) mod text;

use std::path::Path;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::chart;
use crate::first_read::FirstRead;
use crate::peers::BASELINE;
use crate::pod::PodStart;
use crate::stats::Spread;

/// What was measured for one peer (`None`: could not be measured).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Row {
    pub key: String,
    pub label: String,
    pub command: String,
    pub missing: Option<String>,
    pub binary_bytes: Option<u64>,
    pub image_bytes: Option<u64>,
    pub rss_anon_kb: Option<u64>,
    pub vm_rss_kb: Option<u64>,
    pub idle_cpu_ns: Option<u64>,
    pub idle_wakeups: Option<u64>,
    pub startup_us: Option<Spread>,
    pub sigterm_us: Option<Spread>,
    pub reap_cpu_ns_per_zombie: Option<f64>,
    pub reap_ms: Option<f64>,
    pub problems: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Run {
    pub machine: String,
    pub date: String,
    pub quick: bool,
    pub idle_seconds: u64,
    pub runs: usize,
    pub orphans: usize,
    pub reap_rounds: usize,
    pub baseline: String,
    /// Idle memory is the median of this many copies of each program.
    pub idle_copies: usize,
    pub rows: Vec<Row>,
    pub pod_start: Option<PodStart>,
    pub pod_start_missing: Option<String>,
    pub first_read: Option<FirstRead>,
    pub first_read_missing: Option<String>,
}

/// A metric shown in the table and the charts.
pub(crate) struct Metric {
    /// In Chinese, in English (the charts' languages, [`crate::chart::Lang`]).
    pub(crate) title: [&'static str; 2],
    pub(crate) unit: &'static str,
    pub(crate) get: fn(&Row) -> Option<f64>,
}

impl Metric {
    const fn new(
        title: [&'static str; 2],
        unit: &'static str,
        get: fn(&Row) -> Option<f64>,
    ) -> Self {
        Metric { title, unit, get }
    }
}

/// The metrics, in the order of the table's columns and the chart's panels.
pub(crate) const METRICS: [Metric; 8] = [
    Metric::new(["二进制", "binary"], "B", |r| count(r.binary_bytes)),
    Metric::new(["镜像", "image"], "B", |r| count(r.image_bytes)),
    Metric::new(["RssAnon", "RssAnon"], "kB", |r| count(r.rss_anon_kb)),
    Metric::new(["VmRSS", "VmRSS"], "kB", |r| count(r.vm_rss_kb)),
    Metric::new(["启动（中位数）", "start-up (median)"], "µs", |r| {
        median(r.startup_us)
    }),
    Metric::new(
        ["SIGTERM → 退出（中位数）", "SIGTERM to exit (median)"],
        "µs",
        |r| median(r.sigterm_us),
    ),
    Metric::new(
        ["每个僵尸的 init CPU", "init CPU per zombie"],
        "µs",
        |r| r.reap_cpu_ns_per_zombie.map(|ns| ns / 1000.0),
    ),
    Metric::new(
        ["清空僵尸用时", "until no zombie is left"],
        "ms",
        |r| r.reap_ms,
    ),
];

fn count(value: Option<u64>) -> Option<f64> {
    value.map(|v| v as f64)
}

fn median(spread: Option<Spread>) -> Option<f64> {
    spread.map(|s| s.median)
}

impl Run {
    fn baseline(&self) -> Option<&Row> {
        self.measured(BASELINE)
    }

    /// The row of `key`, if that peer could be had.
    fn measured(&self, key: &str) -> Option<&Row> {
        self.rows
            .iter()
            .find(|r| r.key == key && r.missing.is_none())
    }

    pub(crate) fn ratio(&self, metric: &Metric, row: &Row) -> Option<f64> {
        let base = (metric.get)(self.baseline()?)?;
        let value = (metric.get)(row)?;
        (base > 0.0).then_some(value / base)
    }

    /// The JSON of the run, as written to latest.json.
    pub fn json(&self) -> anyhow::Result<String> {
        Ok(serde_json::to_string_pretty(self).context("cannot write the run as JSON")? + "\n")
    }

    /// Writes latest.{md,json,zh.svg,en.svg} into `dir` (created if need be).
    pub fn write_all(&self, dir: &Path, markdown: &str) -> anyhow::Result<()> {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let mut files = vec![
            ("latest.md".to_string(), markdown.to_string()),
            ("latest.json".to_string(), self.json()?),
        ];
        for lang in chart::Lang::ALL {
            files.push((
                format!("latest.{}.svg", lang.code()),
                chart::svg(self, lang),
            ));
        }
        for (name, text) in files {
            let path = dir.join(name);
            std::fs::write(&path, text)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        Ok(())
    }
}

/// A run of one round of everything, with these rows, for the tests.
#[cfg(test)]
pub(crate) fn sample_run(machine: &str, rows: Vec<Row>) -> Run {
    Run {
        machine: machine.into(),
        date: "d".into(),
        quick: true,
        idle_seconds: 1,
        runs: 1,
        orphans: 1,
        reap_rounds: 1,
        baseline: BASELINE.into(),
        idle_copies: 1,
        rows,
        pod_start: None,
        pod_start_missing: None,
        first_read: None,
        first_read_missing: None,
    }
}

/// A row of a program of `bytes` bytes, nothing else measured, for the tests.
#[cfg(test)]
pub(crate) fn sample_row(key: &str, label: &str, bytes: u64) -> Row {
    Row {
        key: key.into(),
        label: label.into(),
        binary_bytes: Some(bytes),
        ..Row::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_are_to_the_baseline_row() {
        let run = sample_run(
            "m",
            vec![
                sample_row(BASELINE, BASELINE, 1000),
                sample_row("pause-tiny", "pause-tiny", 10),
            ],
        );
        assert_eq!(run.ratio(&METRICS[0], &run.rows[1]), Some(0.01));
        assert!(run.markdown().contains("10 B (0.0100x)"));
        assert!(
            run.markdown().contains("| 未测 not measured |"),
            "{}",
            run.markdown()
        );
    }

    /// The figures the chapters quote in their prose are those of the
    /// committed run, in both languages: a new run that moves them fails
    /// here until the text says the new ones.
    #[test]
    fn the_chapters_quote_the_committed_run() {
        let root = testkit::workspace_root();
        let json = std::fs::read_to_string(root.join("labs/pause-tiny/bench/latest.json")).unwrap();
        let run: Run = serde_json::from_str(&json).unwrap();
        let pod = run
            .pod_start
            .as_ref()
            .expect("the committed run has a pod start");
        let first = run
            .first_read
            .as_ref()
            .expect("the committed run has a first read");
        let (ratio_run, ratio_exec) = (pod.run_ratio(), pod.exec_ratio());
        let total = first.total_s().round() as u64;
        let (min, sec) = (total / 60, total % 60);
        let times = first.ratio().round();
        let expected = [
            (
                "en/measurements.md",
                format!("to {ratio_run:.2} times in the run above"),
            ),
            (
                "en/measurements.md",
                format!("`exec` is {ratio_exec:.2} times `nsenter`"),
            ),
            (
                "en/measurements.md",
                format!("{min} min {sec:02} s from a fresh clone to the first page, {times} times"),
            ),
            (
                "zh/measurements.md",
                format!("上面这次运行里的 {ratio_run:.2} 倍"),
            ),
            (
                "zh/measurements.md",
                format!("`exec` 用时是 `nsenter` 的 {ratio_exec:.2} 倍"),
            ),
            (
                "zh/measurements.md",
                format!("从全新克隆到第一页用了 {min} 分 {sec:02} 秒，是基线 5 秒的 {times} 倍"),
            ),
            (
                "en/how-it-works.md",
                format!("in {ratio_run:.2} times the time a bare"),
            ),
            (
                "en/how-it-works.md",
                format!("`exec` takes {ratio_exec:.2} times the time of `nsenter`"),
            ),
            (
                "zh/how-it-works.md",
                format!("的 {ratio_run:.2} 倍；`exec` 用时是 `nsenter` 的 {ratio_exec:.2} 倍"),
            ),
        ];
        for (page, text) in expected {
            let path = root.join("src").join(page);
            let body = std::fs::read_to_string(&path).unwrap();
            assert!(
                body.contains(&text),
                "{} does not say {text:?}",
                path.display()
            );
        }
    }

    /// The chapter's copy of the results (labs/pause-tiny/bench) is what
    /// this code writes from its JSON: the same keys and values, the same
    /// table and charts to the byte. (The JSON is compared as values: without
    /// serde_json's `float_roundtrip`, a float read back may differ in its
    /// last digit, and the next run writes its own anyway.)
    #[test]
    fn the_committed_results_are_what_this_code_writes() {
        let dir = testkit::workspace_root().join("labs/pause-tiny/bench");
        let read = |name: &str| {
            std::fs::read_to_string(dir.join(name))
                .unwrap_or_else(|e| panic!("cannot read {name} in {}: {e}", dir.display()))
        };
        let json = read("latest.json");
        let run: Run = serde_json::from_str(&json).expect("latest.json has the keys of a Run");
        let committed: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            serde_json::to_value(&run).unwrap(),
            committed,
            "latest.json has other keys than a Run writes"
        );
        assert_eq!(run.markdown(), read("latest.md"), "latest.md");
        for lang in chart::Lang::ALL {
            let name = format!("latest.{}.svg", lang.code());
            assert_eq!(chart::svg(&run, lang), read(&name), "{name}");
        }
    }
}
