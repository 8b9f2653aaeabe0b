//! Every sentence the checker says to a student, in both languages, in one
//! place (a teacher's guide quotes them).

use std::path::Path;

/// The reader's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// `--lang` if given, else the locale: LC_ALL, then LC_MESSAGES, then
    /// LANG (the first one set and not empty); Chinese if it starts with `zh`.
    pub fn detect(flag: Option<Lang>) -> Lang {
        flag.unwrap_or_else(|| {
            let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
                .iter()
                .filter_map(|v| std::env::var(v).ok())
                .find(|v| !v.is_empty())
                .unwrap_or_default();
            Lang::from_locale(&locale)
        })
    }

    pub fn from_locale(locale: &str) -> Lang {
        if locale.to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// The `zh` or the `en` text.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// Picks the Chinese or the English `format!`.
macro_rules! say {
    ($lang:expr, zh: $($zh:expr),+ ; en: $($en:expr),+ $(,)?) => {
        match $lang {
            Lang::Zh => format!($($zh),+),
            Lang::En => format!($($en),+),
        }
    };
}

pub fn not_in_course(lang: Lang, cwd: &Path) -> String {
    let cwd = cwd.display();
    say!(lang,
        zh: "{cwd} 不在课程目录里：请在项目目录（有 Cargo.toml 和 labs/ 的那个）或其子目录中运行";
        en: "{cwd} is not inside a course tree: run this from the project's folder (the one with Cargo.toml and labs/) or below it")
}

pub fn unknown_exercise(lang: Lang, name: &str, closest: &[&str]) -> String {
    let list = closest.join(", ");
    match (lang, closest.is_empty()) {
        (Lang::Zh, true) => {
            format!("没有叫 {name:?} 的练习；`cargo xtask exercise list` 列出全部练习")
        }
        (Lang::Zh, false) => format!("没有叫 {name:?} 的练习；你是不是想找：{list}？"),
        (Lang::En, true) => {
            format!("there is no exercise {name:?}; `cargo xtask exercise list` shows them all")
        }
        (Lang::En, false) => format!("there is no exercise {name:?}; did you mean: {list}?"),
    }
}

pub fn starter_missing(lang: Lang, path: &str) -> String {
    say!(lang,
        zh: "起始文件 {path} 不见了：从课程发给你的目录里把它复制回来（或在 git 里恢复）后再试";
        en: "the starter file {path} is missing: copy it back from the edition you were given (or restore it from git), then try again")
}

pub fn module_missing(lang: Lang, path: &str, name: &str) -> String {
    say!(lang,
        zh: "你要编辑的文件 {path} 不见了：运行 `cargo xtask exercise reset {name}` 取回起始代码";
        en: "the file you edit, {path}, is missing: run `cargo xtask exercise reset {name}` to get the starter back")
}

pub fn candidate_missing(lang: Lang, path: &Path) -> String {
    let path = path.display();
    say!(lang, zh: "找不到要检查的文件 {path}"; en: "cannot read the file to check, {path}")
}

pub fn reset_in_full_tree(lang: Lang, module: &str) -> String {
    say!(lang,
        zh: "这是完整版项目，{module} 就是参考答案，不能重置；在学生版里用（`cargo xtask student-edition <目录>`）";
        en: "this is the full project, where {module} is the reference solution, so it is not reset; reset works in a student edition (`cargo xtask student-edition <dir>`)")
}

pub fn reset_done(lang: Lang, module: &str, backup: Option<&str>) -> String {
    match backup {
        Some(b) => say!(lang,
            zh: "{module} 已换回起始代码；你原来的文件保存在 {b}";
            en: "{module} is the starter again; your file is kept as {b}"),
        None => say!(lang, zh: "{module} 已换回起始代码"; en: "{module} is the starter again"),
    }
}

/// One need, explained.
pub fn need(lang: Lang, need: &str) -> String {
    match need {
        "root" => lang.pick("root 权限", "root").into(),
        "userns" => lang
            .pick("root 或非特权用户命名空间（测试会在新的 PID 命名空间里启动程序）",
                "root or unprivileged user namespaces (the tests start the program in a new PID namespace)")
            .into(),
        "docker" => lang.pick("正在运行的 Docker（dockerd）", "a running Docker engine (dockerd)").into(),
        other => other.to_string(),
    }
}

pub fn needs_notice(lang: Lang, needs: &str) -> String {
    say!(lang, zh: "这个练习需要：{needs}"; en: "this exercise needs: {needs}")
}

pub fn needs_root(lang: Lang, name: &str) -> String {
    say!(lang,
        zh: "练习 {name} 需要 root：用 `sudo -E cargo xtask exercise check {name}` 运行";
        en: "exercise {name} needs root: run `sudo -E cargo xtask exercise check {name}`")
}

pub fn checking(lang: Lang, name: &str, file: &str) -> String {
    say!(lang, zh: "正在检查 {name}（{file}）……"; en: "Checking {name} ({file})...")
}

pub fn build_failed(lang: Lang, error: &str) -> String {
    say!(lang,
        zh: "代码编译不通过。编译器的第一个错误：\n{error}";
        en: "The code does not build. The compiler's first error:\n{error}")
}

pub fn behaviour_ok(lang: Lang, behaviour: &str) -> String {
    say!(lang, zh: "  ✓ {behaviour}"; en: "  ✓ {behaviour}")
}

pub fn behaviour_wrong(lang: Lang, behaviour: &str) -> String {
    say!(lang, zh: "  ✗ 行为不对：{behaviour}"; en: "  ✗ wrong behaviour: {behaviour}")
}

pub fn failed_test(lang: Lang, test: &str) -> String {
    say!(lang, zh: "    测试 {test} 没有通过："; en: "    test {test} failed:")
}

pub fn seen(lang: Lang) -> &'static str {
    lang.pick("看到的", "seen    ")
}

pub fn expected(lang: Lang) -> &'static str {
    lang.pick("期望的", "expected")
}

pub fn filter_matched_nothing(lang: Lang, filter: &str, test: &str) -> String {
    say!(lang,
        zh: "练习的格式有误：检查 {filter:?} 在测试 {test} 里一个测试也没有选中（请告诉老师）";
        en: "the exercise is broken: check {filter:?} selects no test of {test} (tell your teacher)")
}

pub fn cargo_failed(lang: Lang, what: &str) -> String {
    say!(lang, zh: "无法运行 cargo：{what}"; en: "cannot run cargo: {what}")
}

pub fn done(lang: Lang, name: &str) -> String {
    say!(lang, zh: "✔ {name} 完成了！"; en: "✔ {name} is done!")
}

pub fn not_done(lang: Lang, name: &str) -> String {
    say!(lang,
        zh: "✘ {name} 还没完成。提示：`cargo xtask exercise hint {name}`；完整输出：加 --verbose";
        en: "✘ {name} is not done yet. A hint: `cargo xtask exercise hint {name}`; the full output: add --verbose")
}

pub fn next_is(lang: Lang, name: &str, title: &str, minutes: u32, module: &str) -> String {
    say!(lang,
        zh: "下一个练习：{name}（{title}，约 {minutes} 分钟）\n  编辑 {module}，然后运行 `cargo xtask exercise check {name}`";
        en: "Next: {name} ({title}, about {minutes} minutes)\n  edit {module}, then run `cargo xtask exercise check {name}`")
}

pub fn all_done(lang: Lang) -> String {
    lang.pick(
        "全部练习都完成了，恭喜！",
        "Every exercise is done. Well done!",
    )
    .into()
}

pub fn hint_header(lang: Lang, name: &str, level: usize, levels: usize) -> String {
    say!(lang, zh: "{name} 的提示（第 {level} 级，共 {levels} 级）："; en: "Hint for {name} (level {level} of {levels}):")
}

pub fn hint_more(lang: Lang, name: &str, next: usize) -> String {
    say!(lang,
        zh: "还需要？`cargo xtask exercise hint {name} --level {next}`";
        en: "Need more? `cargo xtask exercise hint {name} --level {next}`")
}

pub fn no_such_level(lang: Lang, level: usize, levels: usize) -> String {
    say!(lang, zh: "没有第 {level} 级提示：可选 1 到 {levels}"; en: "there is no hint level {level}: pick 1 to {levels}")
}

pub fn state(lang: Lang, state: crate::progress::State) -> &'static str {
    use crate::progress::State;
    match state {
        State::NotStarted => lang.pick("未开始", "not started"),
        State::Failing => lang.pick("未通过", "failing"),
        State::Done => lang.pick("完成", "done"),
    }
}

pub fn list_header(lang: Lang) -> [&'static str; 5] {
    match lang {
        Lang::Zh => ["练习", "实验", "章节", "分钟", "状态"],
        Lang::En => ["exercise", "lab", "chapter", "minutes", "state"],
    }
}

pub fn progress_line(lang: Lang, bar: &str, done: usize, total: usize) -> String {
    say!(lang, zh: "进度 {bar} {done}/{total} 个练习完成"; en: "Progress {bar} {done}/{total} exercises done")
}

pub fn watching(lang: Lang) -> String {
    lang.pick(
        "正在监视练习文件：每次保存都会重新检查。按 Ctrl-C 退出。",
        "Watching the exercise files: every save checks again. Ctrl-C to stop.",
    )
    .into()
}

pub fn edition_not_empty(lang: Lang, dir: &Path) -> String {
    let dir = dir.display();
    say!(lang,
        zh: "{dir} 不是空目录：学生版只写进空目录或新目录，请换一个";
        en: "{dir} is not empty: a student edition is only written into a new or empty directory; pick another")
}

pub fn edition_written(lang: Lang, dir: &Path, count: usize) -> String {
    let dir = dir.display();
    say!(lang,
        zh: "学生版已写入 {dir}：{count} 个练习都是起始代码，不含参考答案";
        en: "Student edition written to {dir}: {count} exercises in their starter form, no reference solution")
}

/// The note above a listing that shows an exercise's starter in a student
/// edition; in the page's own language.
pub fn edition_page_note(page_lang: Lang, name: &str) -> String {
    say!(page_lang,
        zh: "> **学生版：** 下面显示的是练习 `{name}` 的起始代码，而不是参考答案。完成后用 `cargo xtask exercise check {name}` 检查。";
        en: "> **Student edition:** the listing below shows the starter of exercise `{name}`, not the reference solution. Check your version with `cargo xtask exercise check {name}`.")
}
