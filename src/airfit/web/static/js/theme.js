// A classic script in <head>, run before the first paint, so a dark page never flashes light. A file, not
// inline: the Content-Security-Policy allows scripts from this server only.
try {
  document.documentElement.dataset.theme = localStorage.getItem("airfit.theme") || "system";
} catch (e) {
  /* storage blocked: the system theme */
}
