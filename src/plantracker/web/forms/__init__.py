"""Forms: parse what was posted; the services validate and decide."""
