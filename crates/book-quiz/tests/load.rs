//! The question files: what the loader accepts, and where it says the
//! problem is when it refuses.

use std::path::Path;

use book_quiz::{Kind, Lang, TranscriptError, load_str, parity, render};

fn no_transcripts(reference: &str, _command: &str) -> Result<String, TranscriptError> {
    Err(TranscriptError::Missing {
        file: "labs/setns-demo/transcripts/pod-by-hand.txt".into(),
        reference: reference.into(),
    })
}

fn transcript(reference: &str, command: &str) -> Result<String, TranscriptError> {
    match (reference, command) {
        ("setns-demo/pod-by-hand", "setns-demo exec web -- hostname") => Ok("web\n".into()),
        _ => Err(TranscriptError::NoCommand {
            file: format!("{reference}.txt"),
            command: command.into(),
        }),
    }
}

const GOOD: &str = r#"
[[questions]]
type = "MultipleChoice"
prompt.prompt = "In a default pod, which process is PID 1 of container B?"
prompt.distractors = ["`/pause`", "container A's entrypoint"]
answer.answer = "B's own entrypoint"
context = "PID namespaces are not shared unless `shareProcessNamespace` is set."

[[questions]]
type = "MultipleChoice"
prompt.prompt = "Which namespaces does a default pod share?"
prompt.distractors = ["mnt", "pid"]
answer.answer = ["net", "ipc", "uts"]

[[questions]]
type = "ShortAnswer"
prompt.prompt = "Which signal does the reaper handle?"
answer.answer = "SIGCHLD"
answer.alternatives = ["CHLD"]

[[questions]]
type = "Tracing"
transcript = "setns-demo/pod-by-hand"
prompt.program = "setns-demo exec web -- hostname"
answer.doesCompile = true
"#;

#[test]
fn a_good_quiz_loads_with_every_kind() {
    let quiz = load_str(Path::new("zh/quizzes/background.toml"), GOOD, &transcript).unwrap();
    assert_eq!(quiz.id, "background");
    let kinds: Vec<Kind> = quiz.questions.iter().map(|q| q.kind).collect();
    assert_eq!(
        kinds,
        [Kind::Single, Kind::Several, Kind::Short, Kind::Output]
    );
    let lines: Vec<usize> = quiz.questions.iter().map(|q| q.line).collect();
    assert_eq!(lines, [2, 9, 15, 21]);
    let single = &quiz.questions[0];
    assert_eq!(single.choices.len(), 3);
    assert_eq!(single.correct.len(), 1);
    assert_eq!(single.choices[single.correct[0]], "B's own entrypoint");
    let several = &quiz.questions[1];
    let mut right: Vec<&str> = several
        .correct
        .iter()
        .map(|&at| several.choices[at].as_str())
        .collect();
    right.sort_unstable();
    assert_eq!(right, ["ipc", "net", "uts"]);
    assert_eq!(quiz.questions[2].accepted, ["SIGCHLD", "CHLD"]);
    assert_eq!(quiz.questions[3].accepted, ["web\n"]);
}

#[test]
fn the_output_answer_comes_from_the_transcript_or_the_build_stops() {
    let err = load_str(Path::new("q.toml"), GOOD, &no_transcripts).unwrap_err();
    assert_eq!(err.line, 21);
    assert!(
        err.problem
            .to_string()
            .contains("(named as `setns-demo/pod-by-hand`)"),
        "{err}"
    );
    let with_stdout = GOOD.replace(
        "answer.doesCompile = true",
        "answer.doesCompile = true\nanswer.stdout = \"web\"",
    );
    let err = load_str(Path::new("q.toml"), &with_stdout, &transcript).unwrap_err();
    assert!(
        err.problem
            .to_string()
            .contains("taken from the transcript"),
        "{err}"
    );
}

#[test]
fn malformed_files_name_the_line() {
    let cases = [
        // TOML syntax: the line of the broken value.
        (
            "[[questions]]\ntype = \"ShortAnswer\"\nprompt.prompt = \"x\nanswer.answer = \"y\"\n",
            3,
            "not a valid mdbook-quiz file",
        ),
        // Schema: a multiple choice without its answer.
        (
            "[[questions]]\ntype = \"MultipleChoice\"\nprompt.prompt = \"x\"\nprompt.distractors = [\"a\"]\n",
            1,
            "not a valid mdbook-quiz file",
        ),
        // The book's own checks, on the second question.
        (
            "[[questions]]\ntype = \"ShortAnswer\"\nprompt.prompt = \"x\"\nanswer.answer = \"y\"\n\n[[questions]]\ntype = \"MultipleChoice\"\nprompt.prompt = \"x\"\nprompt.distractors = []\nanswer.answer = \"a\"\n",
            6,
            "at least one",
        ),
        (
            "[[questions]]\ntype = \"MultipleChoice\"\nprompt.prompt = \"x\"\nprompt.distractors = [\"a\"]\nanswer.answer = \"a\"\n",
            1,
            "appears twice",
        ),
        (
            "[[questions]]\ntype = \"ShortAnswer\"\ntranscript = \"a/b\"\nprompt.prompt = \"x\"\nanswer.answer = \"y\"\n",
            1,
            "only a Tracing question",
        ),
        ("", 1, "no [[questions]]"),
    ];
    for (text, line, says) in cases {
        let err = load_str(Path::new("en/quizzes/x.toml"), text, &transcript).unwrap_err();
        assert_eq!(err.line, line, "{text:?} -> {err}");
        assert!(err.problem.to_string().contains(says), "{text:?} -> {err}");
        assert!(
            err.to_string()
                .starts_with(&format!("en/quizzes/x.toml:{line}: ")),
            "{err}"
        );
    }
}

#[test]
fn parity_catches_a_moved_right_answer_and_a_changed_kind() {
    let zh = load_str(Path::new("zh/quizzes/background.toml"), GOOD, &transcript).unwrap();
    let en = load_str(Path::new("en/quizzes/background.toml"), GOOD, &transcript).unwrap();
    assert!(parity::differences(&zh, &en).is_empty());
    // The same question with its answer and a distractor swapped moves the
    // right answer: the positions must agree across languages.
    let swapped = GOOD.replacen(
        "prompt.distractors = [\"`/pause`\", \"container A's entrypoint\"]\nanswer.answer = \"B's own entrypoint\"",
        "prompt.distractors = [\"B's own entrypoint\", \"container A's entrypoint\"]\nanswer.answer = \"`/pause`\"",
        1,
    );
    let en = load_str(
        Path::new("en/quizzes/background.toml"),
        &swapped,
        &transcript,
    )
    .unwrap();
    assert_eq!(
        zh.questions[0].correct, en.questions[0].correct,
        "positions depend on the text"
    );
    let short = GOOD.replace("answer.answer = \"SIGCHLD\"", "answer.answer = \"SIGTERM\"");
    let en = load_str(Path::new("en/quizzes/background.toml"), &short, &transcript).unwrap();
    assert_eq!(parity::differences(&zh, &en).len(), 1);
    let fewer = GOOD
        .split("[[questions]]")
        .take(3)
        .collect::<Vec<_>>()
        .join("[[questions]]");
    let en = load_str(Path::new("en/quizzes/background.toml"), &fewer, &transcript).unwrap();
    assert!(parity::differences(&zh, &en)[0].contains("has 4 questions"));
}

#[test]
fn rendered_html_is_one_line_labelled_and_localized() {
    let quiz = load_str(Path::new("zh/quizzes/background.toml"), GOOD, &transcript).unwrap();
    let zh = render(&quiz, Lang::Zh);
    let en = render(&quiz, Lang::En);
    assert!(!zh.contains('\n'));
    assert!(zh.contains("检查答案") && !zh.contains(">Check<"));
    assert!(en.contains(">Check<") && !en.contains("检查答案"));
    assert_eq!(zh.matches("<form class=\"quiz-question\"").count(), 4);
    assert_eq!(zh.matches("type=\"radio\"").count(), 3);
    assert_eq!(zh.matches("type=\"checkbox\"").count(), 5);
    assert!(zh.contains("aria-live=\"polite\""));
    assert!(zh.contains("$ setns-demo exec web -- hostname"));
    // Every input is labelled: by its <label> or by the prompt's id.
    assert_eq!(zh.matches("aria-labelledby=\"quiz-background-").count(), 4);
}
