// The new-order form: choosing a site fills in its client's last rates, never over a rate
// the dispatcher typed (only an empty field, or one this script filled before).
document.addEventListener("change", (event) => {
  const select = event.target;
  if (select.id !== "f-site_id") return;
  const option = select.selectedOptions[0];
  if (!option) return;
  for (const [name, rate] of [["client_rate", option.dataset.clientRate],
                              ["worker_rate", option.dataset.workerRate]]) {
    const input = document.getElementById("f-" + name);
    if (!input || !rate) continue;
    if (input.value === "" || input.value === input.dataset.filled) {
      input.value = rate;
      input.dataset.filled = rate;
      // The as-you-leave check and the warning listen for change.
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }
});
