// Run buttons for the book's runnable listings (the preprocessor puts a
// <div class="lab-run" data-transcript="lab/id" data-needs=".." data-lang="..">
// after each one). They work only when the page is served by the local lab
// runner (`cargo xtask serve --labs`), which puts its token into the page as
// <meta name="lab-runner-token">. Without it (mdbook serve, file://) the
// button is disabled and says how to start the runner; nothing else changes.
// The page sends the runner a transcript id, never a command; it talks to
// its own origin's /api only. Plain DOM, no framework.
(() => {
    const boxes = [...document.querySelectorAll('.lab-run')];
    if (boxes.length === 0) {
        return;
    }

    // The words of the Run box, in both languages (theme/runner-text.js).
    const TEXT = window.labRunnerText;
    if (!TEXT) {
        return;
    }

    const langOf = (box) => {
        if (box.dataset.lang === 'zh' || box.dataset.lang === 'en') {
            return box.dataset.lang;
        }
        return /\/en\/[^/]*$/.test(window.location.pathname) ? 'en' : 'zh';
    };

    const el = (tag, className, text) => {
        const node = document.createElement(tag);
        if (className) {
            node.className = className;
        }
        if (text !== undefined) {
            node.textContent = text;
        }
        return node;
    };

    // A sentence with one piece of code in the middle: [before, code, after].
    const sentence = (parts) => {
        const p = el('p', 'lab-run-note');
        p.append(parts[0], el('code', '', parts[1]), parts[2]);
        return p;
    };

    const meta = document.querySelector('meta[name="lab-runner-token"]');
    const token = meta ? meta.getAttribute('content') : '';

    // Draws the Run button of each box; returns the parts to wire up.
    const draw = (box) => {
        const t = TEXT[langOf(box)];
        const bar = el('div', 'lab-run-bar');
        const run = el('button', 'lab-run-start', t.run);
        run.type = 'button';
        const stop = el('button', 'lab-run-stop', t.stop);
        stop.type = 'button';
        stop.hidden = true;
        const status = el('span', 'lab-run-status');
        status.setAttribute('role', 'status');
        status.setAttribute('aria-live', 'polite');
        bar.append(run, stop, status);
        const needs = (box.dataset.needs || '').split(',').filter((n) => n);
        if (needs.length > 0) {
            bar.append(el('span', 'lab-run-needs', t.needs + needs.join(', ')));
        }
        box.replaceChildren(bar);
        return { box, t, run, stop, status, needs };
    };

    const parts = boxes.map(draw);

    if (!token) {
        for (const part of parts) {
            part.run.disabled = true;
            part.box.classList.add('lab-run-off');
            part.box.dataset.runner = 'off';
            part.box.append(sentence(part.t.noRunner));
        }
        return;
    }

    // One id per page instance: the runner allows one run per page and
    // stops it when the page says it is closing.
    const pageId = (() => {
        if (window.crypto && typeof window.crypto.randomUUID === 'function') {
            return window.crypto.randomUUID();
        }
        const bytes = new Uint8Array(16);
        window.crypto.getRandomValues(bytes);
        return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
    })();
    const query = `token=${encodeURIComponent(token)}`;
    const api = (path, options = {}) =>
        fetch(path, {
            ...options,
            credentials: 'same-origin',
            headers: { 'X-Lab-Runner-Token': token, ...(options.body ? { 'Content-Type': 'application/json' } : {}) },
        });

    let current = null; // the part whose run is going

    const setBusy = (busy) => {
        for (const part of parts) {
            if (!part.unavailable) {
                part.run.disabled = busy;
            }
        }
    };

    const setStatus = (part, key, extra) => {
        part.status.textContent = (part.t.status[key] || key) + (extra ? ` ${extra}` : '');
        part.box.dataset.status = key;
    };

    const steps = (part) => {
        if (!part.panel) {
            part.panel = el('div', 'lab-run-panel');
            part.list = el('ol', 'lab-run-steps');
            part.pod = el('div', 'lab-run-pod');
            part.pod.hidden = true;
            part.panel.append(part.list, part.pod);
            part.box.append(part.panel);
        }
        return part.list;
    };

    const stepOf = (part, index) => {
        const list = steps(part);
        let item = list.querySelector(`:scope > li[data-index="${index}"]`);
        if (!item) {
            item = el('li', 'lab-run-step');
            item.dataset.index = String(index);
            const head = el('div', 'lab-run-head');
            head.append(el('code', 'lab-run-command'), el('span', 'lab-run-exit'));
            const compare = el('div', 'lab-run-compare');
            const real = el('figure', 'lab-run-real');
            real.append(el('figcaption', '', part.t.real), el('pre', 'lab-run-output'));
            const expected = el('figure', 'lab-run-expected');
            const step = part.entry && part.entry.steps ? part.entry.steps[index] : null;
            expected.append(el('figcaption', '', part.t.expected), el('pre', 'lab-run-expected-output', step ? step.output : ''));
            compare.append(real, expected);
            item.append(head, compare);
            list.append(item);
        }
        return item;
    };

    // The pod as the runner sees it: the mermaid diagram and the inodes
    // (drawn by theme/runner-pod.js).
    // Asked after each command; the newest answer that still shows a pod
    // wins (after the last command the pod is gone: the drawing stays).
    const refreshPod = async (part, run) => {
        const ticket = ++part.podTicket;
        const stale = () => ticket < part.podShown;
        let answer;
        try {
            const response = await api(`/api/runs/${encodeURIComponent(run)}/pod?${query}`);
            if (!response.ok) {
                return;
            }
            answer = await response.json();
        } catch (_) {
            return;
        }
        if (stale() || !answer || !Array.isArray(answer.pods) || answer.pods.length === 0) {
            return;
        }
        const figure = await window.labRunnerPod.draw(answer, part.t, el);
        if (!stale()) {
            part.podShown = ticket;
            part.pod.replaceChildren(figure);
            part.pod.hidden = false;
        }
    };

    const finish = (part, key) => {
        if (part.source) {
            part.source.close();
            part.source = null;
        }
        part.runId = null;
        part.stop.hidden = true;
        part.stop.disabled = false;
        current = null;
        setBusy(false);
        setStatus(part, key);
    };

    const start = async (part) => {
        if (current) {
            return;
        }
        current = part;
        setBusy(true);
        await catalogReady;
        // Answers to a former run's questions are stale from now on.
        part.podTicket = (part.podTicket || 0) + 1;
        part.podShown = part.podTicket;
        if (part.panel) {
            part.panel.remove();
            part.panel = null;
        }
        part.box.querySelectorAll('.lab-run-error').forEach((node) => node.remove());
        setStatus(part, 'starting');
        let response;
        try {
            response = await api('/api/runs', {
                method: 'POST',
                body: JSON.stringify({ id: part.box.dataset.transcript, page: pageId }),
            });
        } catch (_) {
            finish(part, 'lost');
            return;
        }
        if (response.status !== 201) {
            const body = await response.json().catch(() => ({}));
            const why = body.error || '';
            finish(part, 'failed');
            if (response.status === 403 && /needs root/.test(why)) {
                // Needs root, and the runner is not: say how, run nothing.
                part.status.textContent = '';
                const note = sentence(part.t.needsRoot);
                note.classList.add('lab-run-error');
                part.box.append(note);
            } else if (response.status === 503) {
                part.status.textContent = part.t.cannot + why;
            } else {
                part.status.textContent = part.t.http[response.status] || part.t.error + (why || response.status);
            }
            return;
        }
        const { run } = await response.json();
        part.runId = run;
        part.stop.hidden = false;
        setStatus(part, 'running');
        steps(part);
        const source = new EventSource(`/api/runs/${encodeURIComponent(run)}/events?${query}`);
        part.source = source;
        const data = (event) => {
            try {
                return JSON.parse(event.data);
            } catch (_) {
                return {};
            }
        };
        source.addEventListener('step', (event) => {
            const { index, command } = data(event);
            stepOf(part, index).querySelector('.lab-run-command').textContent = `$ ${command}`;
        });
        // stdout and stderr come on two pipes, so a line of one can arrive
        // in pieces around a line of the other: each is shown a whole line
        // at a time (a piece without its newline shows after a moment).
        const pending = new Map();
        const show = (index, stream, text) => {
            if (text === '') {
                return;
            }
            const output = stepOf(part, index).querySelector('.lab-run-output');
            const last = output.lastElementChild;
            if (last && last.classList.contains(`lab-run-${stream}`)) {
                last.append(text);
            } else {
                output.append(el('span', `lab-run-${stream}`, text));
            }
        };
        const flush = (index, stream) => {
            const key = `${index}/${stream}`;
            const held = pending.get(key);
            if (held) {
                clearTimeout(held.timer);
                pending.delete(key);
                show(index, stream, held.text);
            }
        };
        const flushStep = (index) => {
            flush(index, 'stdout');
            flush(index, 'stderr');
        };
        for (const stream of ['stdout', 'stderr']) {
            source.addEventListener(stream, (event) => {
                const { index, text } = data(event);
                const key = `${index}/${stream}`;
                const held = pending.get(key);
                const all = (held ? held.text : '') + (text || '');
                if (held) {
                    clearTimeout(held.timer);
                    pending.delete(key);
                }
                const cut = all.lastIndexOf('\n') + 1;
                show(index, stream, all.slice(0, cut));
                if (cut < all.length) {
                    const timer = setTimeout(() => flush(index, stream), 300);
                    pending.set(key, { text: all.slice(cut), timer });
                }
            });
        }
        source.addEventListener('exit', (event) => {
            const { index, code } = data(event);
            flushStep(index);
            const item = stepOf(part, index);
            const exit = item.querySelector('.lab-run-exit');
            exit.textContent = `${part.t.exit} ${code}`;
            exit.dataset.code = String(code);
            item.classList.add(code === 0 ? 'lab-run-step-ok' : 'lab-run-step-failed');
            if (part.box.dataset.transcript.startsWith('setns-demo/')) {
                refreshPod(part, run);
            }
        });
        source.addEventListener('done', (event) => {
            const { status } = data(event);
            for (const key of [...pending.keys()]) {
                const [index, stream] = key.split('/');
                flush(Number(index), stream);
            }
            finish(part, status || 'failed');
        });
        source.addEventListener('error', () => {
            // EventSource reconnects by itself; once it gives up, say so.
            if (source.readyState === EventSource.CLOSED && part.source === source) {
                finish(part, 'lost');
            }
        });
    };

    const stop = async (part) => {
        if (!part.runId) {
            return;
        }
        part.stop.disabled = true;
        setStatus(part, 'stopping');
        try {
            await api(`/api/runs/${encodeURIComponent(part.runId)}/stop`, { method: 'POST' });
        } catch (_) {
            // The done event (or the lost connection) says how it ended.
        }
    };

    // What the runner can do here: the expected output of each step, and
    // whether this machine can run it (root, missing programs).
    const catalogReady = api('/api/catalog')
        .then((response) => (response.ok ? response.json() : []))
        .catch(() => [])
        .then((catalog) => {
            const byId = new Map((Array.isArray(catalog) ? catalog : []).map((entry) => [entry.id, entry]));
            for (const part of parts) {
                const entry = byId.get(part.box.dataset.transcript);
                part.entry = entry || null;
                part.box.dataset.runner = 'ready';
                if (entry && entry.runnable_here === false) {
                    part.box.dataset.runner = 'unavailable';
                    part.unavailable = true;
                    part.run.disabled = true;
                    part.box.classList.add('lab-run-off');
                    const why = entry.why_not || '';
                    const root = (entry.needs || []).includes('root') && (!why || /needs root/.test(why));
                    part.box.append(root ? sentence(part.t.needsRoot) : el('p', 'lab-run-note', part.t.cannot + why));
                }
            }
        });

    for (const part of parts) {
        part.run.addEventListener('click', () => start(part));
        part.stop.addEventListener('click', () => stop(part));
    }

    // Closing or leaving the page stops its run at once (the runner also
    // stops a run whose event stream is gone, after a short grace).
    window.addEventListener('pagehide', () => {
        if (current && current.source) {
            current.source.close();
        }
        if (current) {
            navigator.sendBeacon(`/api/pages/${encodeURIComponent(pageId)}/close?${query}`);
        }
    });
    // Back from the back/forward cache: the run was stopped; start afresh.
    window.addEventListener('pageshow', (event) => {
        if (event.persisted && current) {
            window.location.reload();
        }
    });
})();
