"""The web page: server-rendered pages for members and moderators on the bot's own HTTP
server (docs/WEB.md). Pages call the core as chat does; this package decides nothing about
the product, only who is signed in and how a page looks."""
