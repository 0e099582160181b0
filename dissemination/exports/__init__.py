"""CSV exports: attendee lists (attendees.py) and reach (reach.py), Swedish Excel, formula-safe."""
