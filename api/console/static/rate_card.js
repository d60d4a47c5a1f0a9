// The rate card page: rows added (a copy of the blank row's template) and removed in the
// browser; the table is posted whole and checked on the server.
document.addEventListener("click", (event) => {
  const button = event.target;
  if (button.id === "add-row") {
    const template = document.getElementById("card-row");
    document.getElementById("card-rows").append(template.content.cloneNode(true));
  } else if (button.classList && button.classList.contains("remove-row")) {
    button.closest("tr").remove();
  }
});
