//! The quiz interface's words, in the page's language.

/// The language of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

/// Every word the interface shows. The page carries them (no language table
/// in theme/quiz.js), so both languages work from file:// too.
pub struct Words {
    pub quiz: &'static str,
    pub check: &'static str,
    pub retry: &'static str,
    pub reveal: &'static str,
    pub reset: &'static str,
    pub right: &'static str,
    pub wrong: &'static str,
    pub revealed: &'static str,
    pub pick_one: &'static str,
    pub pick_all: &'static str,
    pub type_answer: &'static str,
    pub what_prints: &'static str,
    pub answer_label: &'static str,
    pub from_transcript: &'static str,
    pub nothing_chosen: &'static str,
}

impl Lang {
    pub fn words(self) -> &'static Words {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }

    /// The code used in `lang` attributes.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
}

static ZH: Words = Words {
    quiz: "小测验",
    check: "检查答案",
    retry: "重做",
    reveal: "看答案",
    reset: "清除本页的作答",
    right: "答对了。",
    wrong: "还不对，再想想。",
    revealed: "答案如下。",
    pick_one: "选一项。",
    pick_all: "选出所有正确的项。",
    type_answer: "输入答案。",
    what_prints: "这条命令打印什么？",
    answer_label: "你的答案",
    from_transcript: "答案取自实验的终端记录，测试会核对这份记录。",
    nothing_chosen: "先选一项或输入答案。",
};

static EN: Words = Words {
    quiz: "Quiz",
    check: "Check",
    retry: "Try again",
    reveal: "Show the answer",
    reset: "Clear my answers on this page",
    right: "Right.",
    wrong: "Not quite. Think again.",
    revealed: "Here is the answer.",
    pick_one: "Pick one.",
    pick_all: "Pick every right answer.",
    type_answer: "Type your answer.",
    what_prints: "What does this command print?",
    answer_label: "Your answer",
    from_transcript: "The answer comes from the lab's transcript, which a test checks.",
    nothing_chosen: "Choose or type an answer first.",
};
