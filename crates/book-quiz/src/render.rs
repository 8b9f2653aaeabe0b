//! The HTML of a quiz.
//!
//! Plain forms: radio buttons, check boxes, a text field or a text area, and
//! buttons, so the keyboard (Tab, Space, Enter) and screen readers work
//! without help. theme/quiz.js checks the answers, shows the feedback and
//! remembers them; without JavaScript the questions still read as text.
//!
//! The result is one line: mdBook treats it as one raw HTML block, so a
//! blank line inside a code sample cannot end the block half-way.

use pulldown_cmark::{Options, Parser, html};

use crate::model::{Kind, Question, Quiz};
use crate::ui::Lang;

/// The quiz as one line of HTML for a page in `lang`.
pub fn render(quiz: &Quiz, lang: Lang) -> String {
    let words = lang.words();
    let id = escape(&quiz.id);
    let mut out = format!(
        "<section class=\"quiz\" data-quiz=\"{id}\" lang=\"{}\" aria-label=\"{}\" \
         data-right=\"{}\" data-wrong=\"{}\" data-revealed=\"{}\" data-empty=\"{}\">",
        lang.code(),
        escape(words.quiz),
        escape(words.right),
        escape(words.wrong),
        escape(words.revealed),
        escape(words.nothing_chosen),
    );
    for (index, question) in quiz.questions.iter().enumerate() {
        out.push_str(&render_question(&quiz.id, index, question, lang));
    }
    out.push_str(&format!(
        "<p class=\"quiz-footer\"><button type=\"button\" class=\"quiz-reset\">{}</button></p></section>",
        escape(words.reset)
    ));
    out.replace('\n', "&#10;")
}

fn render_question(quiz_id: &str, index: usize, question: &Question, lang: Lang) -> String {
    let words = lang.words();
    let qid = format!("quiz-{}-{}", escape(quiz_id), index + 1);
    let answer = serde_json::json!({
        "correct": question.correct,
        "accepted": question.accepted,
    });
    let mut out = format!(
        "<form class=\"quiz-question\" id=\"{qid}\" data-kind=\"{}\" data-answer=\"{}\">",
        question.kind.name(),
        escape(&answer.to_string()),
    );
    out.push_str(&format!(
        "<div class=\"quiz-prompt\" id=\"{qid}-prompt\"><span class=\"quiz-number\">{}.</span> ",
        index + 1
    ));
    match question.kind {
        Kind::Output => {
            out.push_str(&format!("<p>{}</p>", escape(words.what_prints)));
            let command = question.command.as_deref().unwrap_or_default();
            out.push_str(&format!("<pre><code>$ {}</code></pre>", escape(command)));
        }
        _ => out.push_str(&markdown(&question.prompt)),
    }
    out.push_str("</div>");
    match question.kind {
        Kind::Single | Kind::Several => {
            let (input, how) = if question.kind == Kind::Single {
                ("radio", words.pick_one)
            } else {
                ("checkbox", words.pick_all)
            };
            out.push_str(&format!(
                "<fieldset class=\"quiz-choices\" aria-labelledby=\"{qid}-prompt\"><legend class=\"quiz-how\">{}</legend>",
                escape(how)
            ));
            for (at, choice) in question.choices.iter().enumerate() {
                out.push_str(&format!(
                    "<label class=\"quiz-choice\"><input type=\"{input}\" name=\"{qid}-choice\" value=\"{at}\"> <span>{}</span></label>",
                    markdown_inline(choice)
                ));
            }
            out.push_str("</fieldset>");
        }
        Kind::Short => out.push_str(&format!(
            "<p class=\"quiz-how\">{}</p><input class=\"quiz-text\" type=\"text\" autocomplete=\"off\" spellcheck=\"false\" aria-labelledby=\"{qid}-prompt\" placeholder=\"{}\">",
            escape(words.type_answer),
            escape(words.answer_label)
        )),
        Kind::Output => out.push_str(&format!(
            "<textarea class=\"quiz-text\" rows=\"{}\" spellcheck=\"false\" aria-labelledby=\"{qid}-prompt\" placeholder=\"{}\"></textarea>",
            question.accepted.first().map_or(1, |text| text.lines().count().clamp(1, 12)),
            escape(words.answer_label)
        )),
    }
    out.push_str(&format!(
        "<div class=\"quiz-actions\"><button type=\"submit\" class=\"quiz-check\">{}</button> \
         <button type=\"button\" class=\"quiz-retry\" hidden>{}</button> \
         <button type=\"button\" class=\"quiz-reveal\" hidden>{}</button></div>\
         <p class=\"quiz-feedback\" role=\"status\" aria-live=\"polite\"></p>",
        escape(words.check),
        escape(words.retry),
        escape(words.reveal),
    ));
    out.push_str("<div class=\"quiz-context\" hidden>");
    if question.kind == Kind::Output {
        let expected = question
            .accepted
            .first()
            .map(String::as_str)
            .unwrap_or_default();
        out.push_str(&format!(
            "<pre class=\"quiz-expected\"><code>{}</code></pre><p class=\"quiz-source\">{}</p>",
            escape(expected),
            escape(words.from_transcript)
        ));
    }
    if let Some(context) = &question.context {
        out.push_str(&markdown(context));
    }
    out.push_str("</div></form>");
    out
}

fn markdown(text: &str) -> String {
    let mut out = String::new();
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    html::push_html(&mut out, Parser::new_ext(text, options));
    out
}

/// Markdown for a choice: one paragraph's content, without the `<p>`.
fn markdown_inline(text: &str) -> String {
    let html = markdown(text.trim());
    let trimmed = html.trim_end();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|rest| rest.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => html,
    }
}

/// HTML-escapes text and attribute values (quotes too, so one function
/// serves both).
pub fn escape(text: &str) -> String {
    html_escape::encode_quoted_attribute(text).into_owned()
}
