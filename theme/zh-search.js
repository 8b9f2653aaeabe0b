// Chinese search. mdBook's search splits a query on spaces only, so a
// Chinese query is one long "word" that the index does not hold. At build
// time the zh-search renderer (crates/zh-search) segmented the Chinese
// pages with jieba and stored each word with its count in the index as
// `zh_words`; here a query's Chinese runs are cut into those same words,
// the way jieba does: the most probable path through the known words, then
// (search mode) the known two- and three-character words inside each long
// word. Queries without Chinese characters are tokenized as before.
// The renderer writes this script at the head of the search index file, so
// it runs just before mdBook loads the index, whenever that happens.
(function () {
    'use strict';
    if (typeof elasticlunr === 'undefined') {
        return;
    }
    const HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
    const RUNS = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;
    const LONGEST = 8;
    const originalTokenizer = elasticlunr.tokenizer;
    const originalTrimmer = elasticlunr.trimmer;

    function vocabulary() {
        return (window.search && window.search.zh_words) || null;
    }

    // The most probable split of `run` into known words (unigram model with
    // the counts from the index); an unknown character stands alone.
    function bestPath(run, words, total) {
        const n = run.length;
        const score = new Array(n + 1).fill(-Infinity);
        const from = new Array(n + 1).fill(0);
        score[0] = 0;
        for (let end = 1; end <= n; end++) {
            for (let start = Math.max(0, end - LONGEST); start < end; start++) {
                const word = run.slice(start, end);
                const count = words[word] || (end - start === 1 ? 0.01 : 0);
                if (count === 0) {
                    continue;
                }
                const s = score[start] + Math.log(count / total);
                if (s > score[end]) {
                    score[end] = s;
                    from[end] = start;
                }
            }
        }
        const path = [];
        for (let end = n; end > 0; end = from[end]) {
            path.unshift(run.slice(from[end], end));
        }
        return path;
    }

    // Search mode: each long word also yields the known words inside it.
    function segment(run, words, total) {
        const out = [];
        for (const word of bestPath(run, words, total)) {
            for (const size of [2, 3]) {
                if (word.length <= size) {
                    continue;
                }
                for (let i = 0; i + size <= word.length; i++) {
                    const part = word.slice(i, i + size);
                    if (words[part]) {
                        out.push(part);
                    }
                }
            }
            out.push(word);
        }
        return out;
    }

    function tokenizer() {
        const tokens = originalTokenizer.apply(this, arguments);
        const words = vocabulary();
        if (!words) {
            return tokens;
        }
        const total = Object.values(words).reduce((a, b) => a + b, 0) || 1;
        const out = [];
        for (const token of tokens) {
            if (!HAN.test(token)) {
                out.push(token);
                continue;
            }
            for (const part of token.match(RUNS)) {
                if (HAN.test(part)) {
                    out.push(...segment(part, words, total));
                } else if (originalTrimmer(part) !== '') {
                    out.push(part);
                }
            }
        }
        return out;
    }
    // Keep the tokenizer's settings (its separator) on the replacement.
    Object.assign(tokenizer, originalTokenizer);
    elasticlunr.tokenizer = tokenizer;

    // elasticlunr's trimmer strips everything but [A-Za-z0-9_] from the ends
    // of a token, which would erase a Chinese word; trim those by Unicode.
    function trimmer(token) {
        if (!HAN.test(token)) {
            return originalTrimmer(token);
        }
        return token.replace(/^[^\p{L}\p{N}_]+/u, '').replace(/[^\p{L}\p{N}_]+$/u, '');
    }
    trimmer.label = 'trimmer';
    // Set directly: registerFunction would log a warning for the label.
    elasticlunr.Pipeline.registeredFunctions.trimmer = trimmer;
})();
