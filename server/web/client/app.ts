/**
 * The few things the server-rendered pages do in the browser. Each enhancement is optional:
 * without JavaScript the share URL can be selected by hand and the import form takes a URL.
 */

// Copy buttons: <button data-copy="#input-id" data-copied="Copied">.
document.querySelectorAll<HTMLButtonElement>("[data-copy]").forEach((button) => {
  button.addEventListener("click", async () => {
    const source = document.querySelector<HTMLInputElement>(button.dataset.copy!);
    if (!source) return;
    const status = document.querySelector<HTMLElement>("[data-copy-status]");
    try {
      await navigator.clipboard.writeText(source.value);
    } catch {
      // Clipboard refused (insecure origin): select the text so the user can copy it.
      source.select();
      document.execCommand("copy");
    }
    if (status) status.textContent = button.dataset.copied ?? "";
  });
});

// File inputs that fill a form field: <input type=file data-fills="textarea-id">.
document.querySelectorAll<HTMLInputElement>("input[type=file][data-fills]").forEach((input) => {
  input.addEventListener("change", async () => {
    const target = document.getElementById(input.dataset.fills!) as HTMLTextAreaElement | null;
    const file = input.files?.[0];
    if (target) target.value = file ? await file.text() : "";
  });
});
