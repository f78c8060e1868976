/**
 * The console's one enhancement: the award page's progress bar follows the job without
 * reloading. Without JavaScript the page has a Refresh link and shows the same numbers.
 */
const panel = document.querySelector<HTMLElement>("#award-progress");
if (panel?.dataset.progressUrl) {
  const bar = panel.querySelector<HTMLProgressElement>("#award-bar")!;
  const status = panel.querySelector<HTMLElement>("#award-status")!;
  const links = panel.querySelector<HTMLElement>("#award-links")!;
  const refresh = panel.querySelector<HTMLElement>("#award-refresh");
  const fill = (template: string, values: Record<string, number | string>) => template.replace(/\{(\w+)\}/g, (_m, name: string) => String(values[name] ?? ""));
  let lastAnnounced = -1;
  const poll = async () => {
    try {
      const response = await fetch(panel.dataset.progressUrl!, { credentials: "same-origin", headers: { accept: "application/json" } });
      if (!response.ok) throw new Error(String(response.status));
      const p = (await response.json()) as { state: string; total: number; awarded: number; failed: number; done: number };
      bar.max = p.total;
      bar.value = p.done;
      bar.textContent = `${p.done} / ${p.total}`;
      if (p.state === "done" || p.state === "failed") {
        status.textContent = fill(panel.dataset.doneText!, p);
        links.hidden = false;
        refresh?.remove();
        return;
      }
      // Announce every tenth of the way, not every poll (a screen reader would read each).
      const tenth = Math.floor((p.done / Math.max(1, p.total)) * 10);
      if (tenth !== lastAnnounced) {
        lastAnnounced = tenth;
        status.textContent = fill(panel.dataset.progressText!, p);
      }
    } catch {
      // Keep the Refresh link: the page itself shows the numbers.
    }
    setTimeout(poll, 700);
  };
  void poll();
}
