// Runs before the first paint (a classic script in <head>, not a module), so a dark page never flashes
// light; a file rather than inline, so the page needs no 'unsafe-inline' in its Content-Security-Policy.
try {
  document.documentElement.dataset.theme = localStorage.getItem("airfit.theme") || "system";
} catch (e) {
  /* storage blocked: the system's theme */
}
