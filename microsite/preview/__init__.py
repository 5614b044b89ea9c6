"""The preview server's parts: the web server (server.py) and the file watcher (watch.py).

commands/serve.py puts them together with a Builder kept alive between rebuilds.
"""
