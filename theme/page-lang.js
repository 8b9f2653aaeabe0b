// mdBook gives every page the book's one language (book.toml: zh). Pages
// under en/ are English: say so, for screen readers, hyphenation and fonts.
// Pages under zh/ get Chinese titles on mdBook's built-in callouts
// (> [!NOTE] and friends), which mdBook always labels in English.
(() => {
    const path = window.location.pathname;
    if (/\/en\/[^/]*$/.test(path)) {
        document.documentElement.lang = 'en';
        return;
    }
    if (!/\/zh\/[^/]*$/.test(path)) {
        return;
    }
    const titles = {
        Note: '说明',
        Tip: '提示',
        Important: '重要',
        Warning: '警告',
        Caution: '当心',
    };
    const relabel = () => {
        for (const title of document.querySelectorAll('.blockquote-tag-title')) {
            const label = title.lastChild;
            if (label && label.nodeType === Node.TEXT_NODE && titles[label.textContent.trim()]) {
                label.textContent = titles[label.textContent.trim()];
            }
        }
    };
    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', relabel);
    } else {
        relabel();
    }
})();
