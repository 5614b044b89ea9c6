"""The site folder as written by its author: where each file lives, and each file read and checked alone
(site.yaml, a content page's front matter and body, a capture's text)."""
