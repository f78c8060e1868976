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

// File inputs that fill a form field: <input type=file data-fills="textarea-id">. The file is
// read when the form is submitted (not on change), so a quick submit never sends it empty.
document.querySelectorAll<HTMLInputElement>("input[type=file][data-fills]").forEach((input) => {
  const form = input.form;
  const target = document.getElementById(input.dataset.fills!) as HTMLTextAreaElement | null;
  if (!form || !target) return;
  input.addEventListener("change", () => {
    target.value = "";
  });
  form.addEventListener("submit", async (event) => {
    const file = input.files?.[0];
    if (!file || target.value) return;
    event.preventDefault();
    target.value = await file.text();
    input.value = "";
    form.requestSubmit();
  });
});
