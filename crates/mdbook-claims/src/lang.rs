//! The book's two languages: which one a page is in, its twin in the
//! other, and the switch between the two.

/// The two languages of the book; each has a directory under src/.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// The language of a page from its path under src/ (`zh/x.md`).
    pub fn of_path(path: &str) -> Option<Lang> {
        let (dir, _) = path.split_once('/')?;
        match dir {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn dir(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    /// The language's own name, shown on the switch that leads to it.
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::Zh => "中文",
            Lang::En => "English",
        }
    }

    /// BCP 47 tag for `lang` attributes.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-Hans",
            Lang::En => "en",
        }
    }
}

/// The path of a page's twin: `zh/a/b.md` <-> `en/a/b.md`.
pub fn twin_path(path: &str) -> Option<String> {
    let lang = Lang::of_path(path)?;
    Some(format!(
        "{}{}",
        lang.other().dir(),
        &path[lang.dir().len()..]
    ))
}

/// The language switch put at the top of a page `path` (`zh/x.md`).
/// A Markdown link, so mdBook turns `.md` into `.html`.
pub fn language_switch(path: &str) -> Option<String> {
    let lang = Lang::of_path(path)?;
    let twin = twin_path(path)?;
    let depth = path.matches('/').count();
    let up = "../".repeat(depth);
    let other = lang.other();
    Some(format!(
        "<nav class=\"lang-switch\" id=\"lang-switch\" lang=\"{}\" aria-label=\"Language\">\n\n\
         [{}]({up}{twin})\n\n</nav>\n\n",
        other.tag(),
        other.own_name(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twin_paths_swap_the_language_directory() {
        assert_eq!(twin_path("zh/a.md").as_deref(), Some("en/a.md"));
        assert_eq!(twin_path("en/x/y.md").as_deref(), Some("zh/x/y.md"));
        assert_eq!(twin_path("index.md"), None);
        assert_eq!(twin_path("fr/a.md"), None);
    }

    #[test]
    fn language_switch_links_to_the_twin_in_the_other_language() {
        let zh = language_switch("zh/preface.md").unwrap();
        assert!(zh.contains("id=\"lang-switch\""));
        assert!(zh.contains("[English](../en/preface.md)"), "{zh}");
        let en = language_switch("en/a/b.md").unwrap();
        assert!(en.contains("[中文](../../zh/a/b.md)"), "{en}");
        assert_eq!(language_switch("index.md"), None);
    }
}
