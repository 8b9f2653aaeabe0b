// mdBook gives every page the book's one language (book.toml: zh). Pages
// under en/ are English: say so, for screen readers, hyphenation and fonts.
(() => {
    if (/\/en\/[^/]*$/.test(window.location.pathname)) {
        document.documentElement.lang = 'en';
    }
})();
