//! The chart of one run, one per language of the book (latest.zh.svg,
//! latest.en.svg): one panel per metric, one bar per program, the ratio to
//! the baseline on a log scale (1x is the baseline's line).

use html_escape::encode_text as escape;

use crate::report::text::{ratio_text, value_text};
use crate::report::{METRICS, Row, Run};

/// A language of the book, and so of a chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    /// The code in file names and page directories: `zh`, `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    fn pick(self, [zh, en]: [&'static str; 2]) -> &'static str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// A program's label in `lang`: the peers' labels are English; the Chinese
/// chart says the same words in Chinese.
fn label(row: &Row, lang: Lang) -> String {
    if lang == Lang::En {
        return row.label.clone();
    }
    match row.key.as_str() {
        "c-glibc" => "C 版 pause，gcc -Os -static（glibc）".into(),
        "c-musl" => "C 版 pause，musl-gcc -Os -static".into(),
        "pause" => "pause（Rust，std，静态 glibc）".into(),
        "pause-tiny" => "pause-tiny（Rust，无 libc）".into(),
        _ => row.label.replace("(Debian)", "（Debian 软件包）"),
    }
}

/// The machine and the date, the few English words of the machine line
/// (see [`crate::machine::describe`]) said in Chinese for the Chinese chart.
fn machine_line(run: &Run, lang: Lang) -> String {
    let line = format!("{} · {}", run.machine, run.date);
    match lang {
        Lang::En => line,
        Lang::Zh => line
            .replace(" CPUs", " 个 CPU")
            .replace("load average ", "开始时负载 ")
            .replace(" at the start", ""),
    }
}

/// The chart of `run`, its words in `lang`.
pub fn svg(run: &Run, lang: Lang) -> String {
    let rows: Vec<&Row> = run.rows.iter().filter(|r| r.missing.is_none()).collect();
    let (label_w, plot_w, bar_h, gap) = (270.0, 420.0, 16.0, 4.0);
    let panel_h = rows.len() as f64 * (bar_h + gap) + 34.0;
    let width = label_w + plot_w + 110.0;
    let height = METRICS.len() as f64 * panel_h + 50.0;
    let (lo, hi) = (-3.0f64, 1.0f64); // 0.001x .. 10x
    let x = |ratio: f64| label_w + (ratio.log10().clamp(lo, hi) - lo) / (hi - lo) * plot_w;
    let colors = [
        "#555555", "#8c8c8c", "#d95f02", "#e7298a", "#1b9e77", "#7570b3", "#66a61e", "#e6ab02",
    ];
    let title = lang.pick([
        "相对 C 版 pause（glibc 静态）的倍数，对数坐标",
        "ratio to the C pause (glibc, static), log scale",
    ]);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" style=\"max-width:100%;height:auto\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">{title}</text>\n\
         <text x=\"10\" y=\"38\" fill=\"#555\">{}</text>\n",
        escape(&machine_line(run, lang))
    );
    for (m, metric) in METRICS.iter().enumerate() {
        let top = 50.0 + m as f64 * panel_h;
        svg += &format!(
            "<text x=\"10\" y=\"{}\" font-weight=\"bold\">{}</text>\n",
            top + 16.0,
            escape(lang.pick(metric.title))
        );
        for tick in [-3i32, -2, -1, 0, 1] {
            let tx = x(10f64.powi(tick));
            let stroke = if tick == 0 { "#000" } else { "#ddd" };
            svg += &format!(
                "<line x1=\"{tx}\" y1=\"{}\" x2=\"{tx}\" y2=\"{}\" stroke=\"{stroke}\"/>\n\
                 <text x=\"{tx}\" y=\"{}\" text-anchor=\"middle\" fill=\"#777\" font-size=\"10\">{}x</text>\n",
                top + 22.0,
                top + panel_h - 6.0,
                top + 16.0,
                10f64.powi(tick)
            );
        }
        for (i, row) in rows.iter().enumerate() {
            let y = top + 24.0 + i as f64 * (bar_h + gap);
            svg += &format!(
                "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n",
                label_w - 8.0,
                y + bar_h - 4.0,
                escape(&label(row, lang))
            );
            match ((metric.get)(row), run.ratio(metric, row)) {
                (Some(v), Some(r)) => {
                    let (x0, x1) = (x(1e-3), x(r));
                    svg += &format!(
                        "<rect x=\"{x0}\" y=\"{y}\" width=\"{}\" height=\"{bar_h}\" fill=\"{}\"/>\n\
                         <text x=\"{}\" y=\"{}\" font-size=\"11\">{} · {}</text>\n",
                        (x1 - x0).max(1.0),
                        colors[i % colors.len()],
                        x1 + 4.0,
                        y + bar_h - 4.0,
                        ratio_text(r),
                        escape(&value_text(v, metric.unit))
                    );
                }
                _ => {
                    svg += &format!(
                        "<text x=\"{}\" y=\"{}\" fill=\"#999\" font-size=\"11\">{}</text>\n",
                        x(1e-3) + 4.0,
                        y + bar_h - 4.0,
                        lang.pick(["无数据", "n/a"])
                    );
                }
            }
        }
    }
    svg += "</svg>\n";
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::peers::BASELINE;
    use crate::report::{sample_row, sample_run};

    fn run() -> Run {
        sample_run(
            "x86_64, CPU, 2 CPUs, 7.6 GiB, Linux 6.1, load average 1 2 3 at the start",
            vec![
                sample_row(BASELINE, "C pause, gcc -Os -static (glibc)", 1000),
                sample_row("pause-tiny", "pause-tiny (Rust, no libc)", 10),
                sample_row("catatonit", "catatonit -P (Debian)", 100),
            ],
        )
    }

    #[test]
    fn each_chart_speaks_its_language_only() {
        let zh = svg(&run(), Lang::Zh);
        let en = svg(&run(), Lang::En);
        for chart in [&zh, &en] {
            assert!(chart.starts_with("<svg") && chart.ends_with("</svg>\n"));
            assert!(chart.contains("0.0100x"), "the ratio of pause-tiny's bar");
        }
        // The same words, in Chinese and in English.
        for (zh_words, en_words) in [
            ("倍数", "ratio to"),
            ("二进制", "binary"),
            ("无 libc", "no libc"),
            ("Debian 软件包", "(Debian)"),
            ("无数据", "n/a"),
            ("开始时负载 1 2 3", "load average"),
        ] {
            assert!(
                zh.contains(zh_words),
                "{zh_words} missing from the zh chart"
            );
            assert!(!en.contains(zh_words), "{zh_words} in the en chart");
            assert!(
                en.contains(en_words),
                "{en_words} missing from the en chart"
            );
            assert!(!zh.contains(en_words), "{en_words} in the zh chart");
        }
    }

    #[test]
    fn text_is_escaped_for_svg() {
        let mut run = run();
        run.rows[2].label = "a <b> & \"c\" 'd'".into();
        let en = svg(&run, Lang::En);
        assert!(en.contains(">a &lt;b&gt; &amp; \"c\" 'd'</text>"), "{en}");
    }
}
