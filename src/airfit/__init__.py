"""AirFit server: a self-hosted, multi-user AI fitness coach for a household."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("airfit")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
