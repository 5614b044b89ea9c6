"""One build: what changed, which pages to render, on how many processes, into which output folder, and
what the build keeps in `.cache/` for the next one."""
