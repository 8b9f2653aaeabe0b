// The pod view of a Run box (theme/runner.js): the runner's answer about
// the pod a run made, drawn as its mermaid diagram and a table of each
// process's namespace inodes, each marked shared with pause or its own.
window.labRunnerPod = (() => {
    let renders = 0;
    const draw = async (answer, t, el) => {
        const figure = el('figure', 'lab-run-pod-figure');
        figure.append(el('figcaption', '', t.pod));
        const diagram = el('div', 'lab-run-pod-diagram');
        figure.append(diagram);
        if (answer.mermaid && window.mermaid && typeof window.mermaid.render === 'function') {
            try {
                renders += 1;
                const { svg } = await window.mermaid.render(`lab-run-pod-svg-${renders}`, answer.mermaid);
                diagram.innerHTML = svg;
            } catch (_) {
                diagram.append(el('pre', 'lab-run-pod-source', answer.mermaid));
            }
        }
        const kinds = ['net', 'ipc', 'uts', 'pid', 'mnt', 'cgroup'];
        for (const pod of answer.pods) {
            const table = el('table', 'lab-run-pod-table');
            table.dataset.pod = pod.name;
            const head = el('tr');
            head.append(el('th', '', t.pid), el('th', '', t.command), ...kinds.map((k) => el('th', '', k)));
            table.append(el('caption', '', pod.name), head);
            const pause = (pod.processes || [])[0];
            for (const process of pod.processes || []) {
                const row = el('tr');
                row.dataset.pid = String(process.pid);
                row.append(el('td', '', String(process.pid)), el('td', '', process.command));
                for (const kind of kinds) {
                    const inode = process.ns ? process.ns[kind] : undefined;
                    const cell = el('td', 'lab-run-inode', inode === undefined ? '' : String(inode));
                    cell.dataset.ns = kind;
                    if (pause && process !== pause && pause.ns && inode !== undefined) {
                        cell.classList.add(pause.ns[kind] === inode ? 'lab-run-shared' : 'lab-run-own');
                    }
                    row.append(cell);
                }
                table.append(row);
            }
            figure.append(table);
        }
        return figure;
    };
    return { draw };
})();
