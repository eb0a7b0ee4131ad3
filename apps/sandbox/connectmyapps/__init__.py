"""The sandbox's Canvas (ConnectMyApps) state and rules; the routes are apps/sandbox/canvas.py."""
