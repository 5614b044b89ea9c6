"""From a loaded model to the site: which pages exist, where each lives, and how each is rendered."""
