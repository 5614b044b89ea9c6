"""A static research microsite generator.

The pipeline, one module a step:

    seeds/ (captures)  ->  content/*.md  ->  reader  ->  loader (validated model)
    ->  pages (what to render)  ->  render (Jinja2)  ->  writer (output folder)
"""

__version__ = "0.1.0"
