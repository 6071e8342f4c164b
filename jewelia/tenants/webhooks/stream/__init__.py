"""The real-time stream: a business's committed events over WebSocket and Server-Sent Events.

The dispatcher appends each committed event to the business's bounded history (a Redis
stream, whose entry ids are the cursors) and publishes it on the business's channel in the
same Lua call; web processes fan it out with Litestar's channels plugin (Redis pub/sub) to
connected clients, and replay the history to clients that resume from a cursor.
"""
