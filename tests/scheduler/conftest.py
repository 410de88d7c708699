"""The training tests' fake Hevy, for the Hevy sync job."""

from tests.training.conftest import fake_hevy, hevy_server  # noqa: F401
