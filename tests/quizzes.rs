//! The chapters' quizzes: every teaching chapter ends with one, the zh and
//! en versions agree, output questions take their answer from a checked
//! transcript, a malformed quiz stops the build, and in headless Chromium a
//! reader's clicks and keys get the right feedback, which survives a reload.

use std::path::Path;

use book_quiz::{Kind, Quiz, parity};
use book_tests::webdriver::{Browser, keys};
use book_tests::{build, chromium, root, webdriver};
use serde_json::Value;

/// The chapters that teach, each of which ends with a quiz.
const TEACHING: [&str; 8] = [
    "configuration",
    "characteristics",
    "background",
    "how-it-works",
    "what-pause-does",
    "pause-in-rust",
    "on-a-node",
    "hands-on",
];

fn read(path: &str) -> Option<String> {
    std::fs::read_to_string(root().join(path)).ok()
}

fn load(lang: &str, chapter: &str) -> Quiz {
    let file = root().join(format!("src/{lang}/quizzes/{chapter}.toml"));
    let lookup = |reference: &str, command: &str| {
        mdbook_claims::quiz::transcript_output(reference, command, &read)
    };
    book_quiz::load_file(&file, &lookup).unwrap_or_else(|err| panic!("{err}"))
}

#[test]
fn every_teaching_chapter_ends_with_a_quiz_of_three_to_six_questions() {
    let mut problems = Vec::new();
    for chapter in TEACHING {
        for lang in ["zh", "en"] {
            let quiz = load(lang, chapter);
            let n = quiz.questions.len();
            if !(3..=6).contains(&n) {
                problems.push(format!(
                    "src/{lang}/quizzes/{chapter}.toml has {n} questions (3 to 6)"
                ));
            }
            let page = read(&format!("src/{lang}/{chapter}.md")).unwrap_or_default();
            let marker = format!("{{{{#quiz quizzes/{chapter}.toml}}}}");
            if !page.contains(&marker) {
                problems.push(format!(
                    "src/{lang}/{chapter}.md does not show its quiz ({marker})"
                ));
            }
        }
    }
    book_tests::assert_none("quizzes", &problems);
}

#[test]
fn zh_and_en_quizzes_ask_the_same_questions() {
    let mut problems = Vec::new();
    let mut kinds = std::collections::BTreeSet::new();
    for chapter in TEACHING {
        let (zh, en) = (load("zh", chapter), load("en", chapter));
        problems.extend(parity::differences(&zh, &en));
        kinds.extend(zh.questions.iter().map(|q| q.kind.name()));
    }
    book_tests::assert_none("zh/en quiz parity", &problems);
    // The book uses every kind at least once.
    for kind in [Kind::Single, Kind::Several, Kind::Short, Kind::Output] {
        assert!(
            kinds.contains(kind.name()),
            "no {} question in any chapter",
            kind.name()
        );
    }
}

#[test]
fn output_questions_show_what_the_checked_transcript_shows() {
    let mut seen = 0;
    for chapter in TEACHING {
        for question in load("en", chapter)
            .questions
            .iter()
            .filter(|q| q.kind == Kind::Output)
        {
            let reference = question
                .transcript
                .as_deref()
                .expect("output questions name a transcript");
            let (lab, id) = reference.split_once('/').unwrap();
            let text = read(&format!("labs/{lab}/transcripts/{id}.txt")).unwrap();
            let command = question.command.as_deref().unwrap();
            let block = format!("$ {command}\n{}", question.accepted[0]);
            assert!(text.contains(&block), "{reference} does not show:\n{block}");
            seen += 1;
        }
    }
    assert!(seen >= 3, "only {seen} output questions");
}

/// The built page of `chapter` in `lang`, opened in a fresh browser.
fn open(book: &Path, lang: &str, chapter: &str) -> Option<Browser> {
    testkit::require("chromedriver and Chromium", webdriver::available())?;
    let browser = Browser::start().unwrap_or_else(|err| panic!("{err}"));
    // With a second renderer (zh-search), mdBook writes the HTML into html/.
    let site = if book.join("html").is_dir() {
        book.join("html")
    } else {
        book.to_path_buf()
    };
    let page = site.join(lang).join(format!("{chapter}.html"));
    browser.goto(&chromium::file_url(&page)).unwrap();
    Some(browser)
}

fn answer_of(browser: &Browser, form: &str) -> Value {
    let form = browser.find(form).unwrap();
    let raw = browser.attribute(&form, "data-answer").unwrap().unwrap();
    serde_json::from_str(&raw).unwrap()
}

fn feedback(browser: &Browser, form: &str) -> String {
    let el = browser.find(&format!("{form} .quiz-feedback")).unwrap();
    browser.text(&el).unwrap()
}

fn wait_feedback(browser: &Browser, form: &str, expected: &str) {
    browser
        .wait_for(&format!("feedback {expected:?} in {form}"), |b| {
            Ok(feedback(b, form) == expected)
        })
        .unwrap_or_else(|err| panic!("{err}; it says {:?}", feedback(browser, form)));
}

#[test]
fn a_wrong_then_a_right_answer_get_their_feedback_and_survive_a_reload() {
    let Some(book) = build::built_book("quizzes") else {
        return;
    };
    let Some(browser) = open(&book, "en", "background") else {
        return;
    };
    let form = "#quiz-background-1";
    let right: Vec<u64> = answer_of(&browser, form)["correct"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    let choices = browser
        .find_all(&format!("{form} input[type=radio]"))
        .unwrap();
    assert!(
        choices.len() >= 3,
        "question 1 shows {} choices",
        choices.len()
    );
    let wrong = (0..choices.len() as u64)
        .find(|at| !right.contains(at))
        .unwrap();

    browser.click(&choices[wrong as usize]).unwrap();
    browser
        .click(&browser.find(&format!("{form} .quiz-check")).unwrap())
        .unwrap();
    wait_feedback(&browser, form, "Not quite. Think again.");
    let context = browser.find(&format!("{form} .quiz-context")).unwrap();
    assert!(
        browser.attribute(&context, "hidden").unwrap().is_some(),
        "the explanation shows after a wrong answer"
    );

    browser
        .click(&browser.find(&format!("{form} .quiz-retry")).unwrap())
        .unwrap();
    wait_feedback(&browser, form, "");
    let choices = browser
        .find_all(&format!("{form} input[type=radio]"))
        .unwrap();
    browser.click(&choices[right[0] as usize]).unwrap();
    browser
        .click(&browser.find(&format!("{form} .quiz-check")).unwrap())
        .unwrap();
    wait_feedback(&browser, form, "Right.");
    let context = browser.find(&format!("{form} .quiz-context")).unwrap();
    assert!(
        browser.attribute(&context, "hidden").unwrap().is_none(),
        "no explanation after the right answer"
    );

    browser.reload().unwrap();
    wait_feedback(&browser, form, "Right.");
    let checked = browser
        .script(
            "return [...document.querySelectorAll(arguments[0] + ' input')].map(i => i.checked);",
            vec![Value::from(form)],
        )
        .unwrap();
    let checked: Vec<bool> = serde_json::from_value(checked).unwrap();
    assert_eq!(checked.iter().filter(|c| **c).count(), 1);
    assert!(
        checked[right[0] as usize],
        "the reload forgot which choice was picked"
    );

    // Reset forgets every answer of the page, also after a reload.
    browser
        .click(&browser.find(".quiz-reset").unwrap())
        .unwrap();
    wait_feedback(&browser, form, "");
    browser.reload().unwrap();
    browser.find(form).unwrap();
    assert_eq!(feedback(&browser, form), "");
}

#[test]
fn the_keyboard_alone_answers_in_the_pages_language() {
    let Some(book) = build::built_book("quizzes") else {
        return;
    };
    let Some(browser) = open(&book, "zh", "configuration") else {
        return;
    };
    // Short answer: focus the field, type, Enter submits.
    let short = browser
        .script(
            "const f = [...document.querySelectorAll('form.quiz-question')].find(f => f.dataset.kind === 'short'); \
             f.querySelector('input').focus(); return '#' + f.id;",
            vec![],
        )
        .unwrap();
    let short = short.as_str().unwrap().to_string();
    let accepted = answer_of(&browser, &short)["accepted"][0]
        .as_str()
        .unwrap()
        .to_string();
    browser.press("x").unwrap();
    browser.press(keys::ENTER).unwrap();
    wait_feedback(&browser, &short, "还不对，再想想。");
    // Focus is on "重做" now: Enter on it, then type the right answer.
    browser.press(keys::ENTER).unwrap();
    wait_feedback(&browser, &short, "");
    let field = browser.find(&format!("{short} input")).unwrap();
    browser.type_into(&field, &accepted).unwrap();
    browser.press(keys::ENTER).unwrap();
    wait_feedback(&browser, &short, "答对了。");

    // Multiple choice: focus the first choice, Space picks it, Tab reaches
    // "检查答案", Enter checks.
    let first = browser
        .script(
            "const f = document.querySelector('form.quiz-question[data-kind=single]'); \
             f.querySelector('input').focus(); return '#' + f.id;",
            vec![],
        )
        .unwrap();
    let form = first.as_str().unwrap().to_string();
    browser.press(keys::SPACE).unwrap();
    browser.press(keys::TAB).unwrap();
    let focused = browser
        .script("return document.activeElement.className;", vec![])
        .unwrap();
    assert_eq!(
        focused.as_str(),
        Some("quiz-check"),
        "Tab from a choice should reach the check button"
    );
    browser.press(keys::ENTER).unwrap();
    let right = answer_of(&browser, &form)["correct"][0].as_u64().unwrap();
    let expected = if right == 0 {
        "答对了。"
    } else {
        "还不对，再想想。"
    };
    wait_feedback(&browser, &form, expected);
}

#[test]
fn every_quiz_control_is_labelled_for_screen_readers() {
    let Some(book) = build::built_book("quizzes") else {
        return;
    };
    let Some(browser) = open(&book, "en", "how-it-works") else {
        return;
    };
    let unlabelled = browser
        .script(
            "return [...document.querySelectorAll('section.quiz input, section.quiz textarea, section.quiz button')]\
               .filter(el => !(el.closest('label') || el.getAttribute('aria-labelledby') || el.getAttribute('aria-label') || el.textContent.trim()))\
               .map(el => el.outerHTML);",
            vec![],
        )
        .unwrap();
    assert_eq!(unlabelled, Value::Array(vec![]), "controls without a label");
    let live = browser.find_all("section.quiz [aria-live=polite]").unwrap();
    let forms = browser.find_all("section.quiz form").unwrap();
    assert_eq!(
        live.len(),
        forms.len(),
        "every question announces its feedback"
    );
}
