import pytest

from config import DEVELOPMENT_SECRET, ProductionConfig
from portal import create_app


@pytest.mark.parametrize("secret", [DEVELOPMENT_SECRET, "short"])
def test_production_refuses_to_start_without_a_real_secret(monkeypatch, secret):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", secret)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_production_starts_with_a_real_secret(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "x" * 64)
    monkeypatch.setattr(ProductionConfig, "PUBLIC_BASE_URL", "https://fellowships.example.org")
    app = create_app(ProductionConfig)
    assert app.config["SESSION_COOKIE_SECURE"] is True
