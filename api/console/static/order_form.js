// The new-order form: choosing a site fills in its client's last rates, never over a rate
// the dispatcher typed (only an empty field, or one this script filled before).
function fill(name, rate) {
  const input = document.getElementById("f-" + name);
  if (!input || !rate || input.value === rate) return false;
  if (input.value === "" || input.value === input.dataset.filled) {
    input.value = rate;
    input.dataset.filled = rate;
    return true;
  }
  return false;
}

document.addEventListener("change", (event) => {
  const select = event.target;
  if (select.id !== "f-site_id") return;
  const option = select.selectedOptions[0];
  if (!option) return;
  for (const [name, rate] of [["client_rate", option.dataset.clientRate],
                              ["worker_rate", option.dataset.workerRate]]) {
    if (fill(name, rate)) {
      // The as-you-leave check and the warning listen for change.
      document.getElementById("f-" + name).dispatchEvent(new Event("change", { bubbles: true }));
    }
  }
});

// The margin preview came (api/console/rates/margin.py): the rate card's rates go into rate
// fields not typed by the dispatcher; the reason field shows when the rates differ from them.
document.addEventListener("htmx:afterSwap", (event) => {
  const body = document.getElementById("margin-body");
  if (!body || !event.target.contains(body)) return;
  let filled = null;
  for (const [name, rate] of [["client_rate", body.dataset.clientRate],
                              ["worker_rate", body.dataset.workerRate]]) {
    if (fill(name, rate)) filled = document.getElementById("f-" + name);
  }
  const block = document.getElementById("rate-reason-block");
  const reason = document.getElementById("f-rate_reason");
  if (block) block.hidden = body.dataset.differs !== "yes" && !(reason && reason.value);
  // Rates filled in: the figures again, by them (and the field checks).
  if (filled) filled.dispatchEvent(new Event("change", { bubbles: true }));
});
