"""`PATCH /me`: a person's own time zone and units; what is left out stays, and nobody else changes."""

from __future__ import annotations

from tests.live import LiveServer


def test_units_are_chosen_in_parts_and_shown_with_their_conversions(server: LiveServer) -> None:
    with server.client("david") as david, server.client("brian") as brian:
        before = david.get("/me").json()
        assert before["units"] == {"mass": "lb", "energy": "kcal", "length": "in"}
        assert before["units_chosen"] is False
        assert david.patch("/me", json={"timezone": "Europe/Madrid"}).status_code == 200
        changed = david.patch("/me", json={"units": {"mass": "kg"}})
        assert changed.status_code == 200
        assert changed.json()["units"] == {"mass": "kg", "energy": "kcal", "length": "in"}
        assert david.patch("/me", json={"units": {"energy": "kJ", "length": "cm"}}).status_code == 200
        me = david.get("/me").json()
        assert me["units"] == {"mass": "kg", "energy": "kJ", "length": "cm"}
        assert me["units_chosen"] is True
        assert me["timezone"] == "Europe/Madrid"  # left out of the units' PATCH, so unchanged
        assert me["conversions"]["mass"] == {"unit": "kg", "factor": 0.45359237, "digits": 1}
        assert me["conversions"]["energy"] == {"unit": "kJ", "factor": 4.184, "digits": -1}
        # An empty PATCH changes nothing; a null zone goes back to the server's.
        assert david.patch("/me", json={}).status_code == 200
        assert david.get("/me").json()["units"]["mass"] == "kg"
        assert david.patch("/me", json={"timezone": None}).json()["timezone"] is None
        assert brian.get("/me").json()["units"] == {"mass": "lb", "energy": "kcal", "length": "in"}


def test_a_bad_unit_or_key_is_a_422_naming_the_field(server: LiveServer) -> None:
    with server.client("david") as david:
        bad = david.patch("/me", json={"units": {"mass": "stone"}})
        assert bad.status_code == 422
        assert bad.json()["detail"][0]["loc"] == ["body", "units", "mass"]
        unknown = david.patch("/me", json={"units": {"volume": "l"}})
        assert unknown.json()["detail"][0]["loc"] == ["body", "units", "volume"]
        zone = david.patch("/me", json={"timezone": "Mars/Olympus"})
        assert zone.status_code == 422
        assert zone.json()["detail"][0]["loc"] == ["body", "timezone"]
        assert david.get("/me").json()["units_chosen"] is False
