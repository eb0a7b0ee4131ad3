"""Content use cases: every Brickworks write and every audit entry of the content screens happens here."""
