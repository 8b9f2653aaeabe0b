// The book's quizzes (rendered by the preprocessor from mdbook-quiz TOML).
// Checks an answer at once, says whether it is right and why, and keeps the
// reader's answers per page in localStorage (file:// and mdbook serve alike).
// Every word shown comes from the page itself, so this file is the same for
// both languages.
(() => {
    const storeKey = (quiz) => `pause-book-quiz:${window.location.pathname}:${quiz.dataset.quiz}`;

    const load = (quiz) => {
        try {
            return JSON.parse(window.localStorage.getItem(storeKey(quiz))) || {};
        } catch (_) {
            return {};
        }
    };

    const save = (quiz, state) => {
        try {
            window.localStorage.setItem(storeKey(quiz), JSON.stringify(state));
        } catch (_) {
            // Storage can be off (private windows): the quiz still works.
        }
    };

    const normalize = (text) => text.trim().replace(/\s+/g, ' ').toLowerCase();
    const normalizeOutput = (text) =>
        text
            .replace(/\r\n/g, '\n')
            .split('\n')
            .map((line) => line.replace(/\s+/g, ' ').trim())
            .join('\n')
            .trim();

    // The reader's answer as stored: choice positions, or the typed text.
    const answerOf = (form) => {
        if (form.dataset.kind === 'single' || form.dataset.kind === 'several') {
            return [...form.querySelectorAll('input:checked')].map((input) => Number(input.value));
        }
        return form.querySelector('.quiz-text').value;
    };

    const isEmpty = (answer) => (Array.isArray(answer) ? answer.length === 0 : answer.trim() === '');

    const isRight = (form, answer) => {
        const expected = JSON.parse(form.dataset.answer);
        switch (form.dataset.kind) {
            case 'single':
            case 'several': {
                const picked = [...answer].sort((a, b) => a - b);
                const right = [...expected.correct].sort((a, b) => a - b);
                return picked.length === right.length && picked.every((v, i) => v === right[i]);
            }
            case 'short':
                return expected.accepted.some((accepted) => normalize(accepted) === normalize(answer));
            case 'output':
                return normalizeOutput(expected.accepted[0]) === normalizeOutput(answer);
            default:
                return false;
        }
    };

    const fill = (form, answer) => {
        if (Array.isArray(answer)) {
            for (const input of form.querySelectorAll('input')) {
                input.checked = answer.includes(Number(input.value));
            }
        } else {
            form.querySelector('.quiz-text').value = answer;
        }
    };

    const setLocked = (form, locked) => {
        for (const input of form.querySelectorAll('input, textarea')) {
            input.disabled = locked;
        }
        form.querySelector('.quiz-check').hidden = locked;
        form.querySelector('.quiz-retry').hidden = !locked;
    };

    // Shows the verdict of `entry` ({answer, right, revealed}) in the form.
    const show = (quiz, form, entry) => {
        const feedback = form.querySelector('.quiz-feedback');
        const context = form.querySelector('.quiz-context');
        const reveal = form.querySelector('.quiz-reveal');
        form.classList.remove('quiz-right', 'quiz-wrong');
        if (!entry) {
            feedback.textContent = '';
            context.hidden = true;
            reveal.hidden = true;
            setLocked(form, false);
            return;
        }
        fill(form, entry.answer);
        setLocked(form, true);
        form.classList.add(entry.right ? 'quiz-right' : 'quiz-wrong');
        if (entry.right) {
            feedback.textContent = quiz.dataset.right;
        } else if (entry.revealed) {
            feedback.textContent = `${quiz.dataset.wrong} ${quiz.dataset.revealed}`;
        } else {
            feedback.textContent = quiz.dataset.wrong;
        }
        const open = entry.right || entry.revealed;
        context.hidden = !open;
        reveal.hidden = open;
        if (entry.revealed && !entry.right) {
            markRightChoices(form);
        }
    };

    const markRightChoices = (form) => {
        const expected = JSON.parse(form.dataset.answer);
        for (const input of form.querySelectorAll('input')) {
            const label = input.closest('label');
            if (label) {
                label.classList.toggle('quiz-correct-choice', expected.correct.includes(Number(input.value)));
            }
        }
    };

    // Back to an unanswered question: nothing picked, nothing typed.
    const clear = (form) => {
        for (const input of form.querySelectorAll('input')) {
            input.checked = false;
        }
        for (const text of form.querySelectorAll('.quiz-text')) {
            text.value = '';
        }
        for (const label of form.querySelectorAll('label')) {
            label.classList.remove('quiz-correct-choice');
        }
        show(form.closest('section.quiz'), form, undefined);
    };

    const setUp = (quiz) => {
        const state = load(quiz);
        for (const form of quiz.querySelectorAll('.quiz-question')) {
            const key = form.id;
            form.addEventListener('submit', (event) => {
                event.preventDefault();
                const answer = answerOf(form);
                if (isEmpty(answer)) {
                    form.querySelector('.quiz-feedback').textContent = quiz.dataset.empty;
                    return;
                }
                state[key] = { answer, right: isRight(form, answer), revealed: false };
                save(quiz, state);
                show(quiz, form, state[key]);
                form.querySelector('.quiz-retry').focus();
            });
            form.querySelector('.quiz-retry').addEventListener('click', () => {
                delete state[key];
                save(quiz, state);
                clear(form);
                const first = form.querySelector('input, textarea');
                if (first) {
                    first.focus();
                }
            });
            form.querySelector('.quiz-reveal').addEventListener('click', () => {
                if (state[key]) {
                    state[key].revealed = true;
                    save(quiz, state);
                    show(quiz, form, state[key]);
                }
            });
            show(quiz, form, state[key]);
        }
        quiz.querySelector('.quiz-reset').addEventListener('click', () => {
            for (const key of Object.keys(state)) {
                delete state[key];
            }
            save(quiz, state);
            quiz.querySelectorAll('.quiz-question').forEach(clear);
        });
    };

    const start = () => document.querySelectorAll('section.quiz').forEach(setUp);
    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', start);
    } else {
        start();
    }
})();
