"""The one exception the builder raises: a message a person can act on."""


class BuildError(Exception):
    """The book cannot be built; the message names the file, cell or line to fix."""
