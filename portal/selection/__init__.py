"""Selection: ranking applications by their reviews and filling the places (pure math, no blueprint)."""
