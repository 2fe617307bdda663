import pytest

# Deliberate fixtures: allowed explicitly, so the guard lets them through.
FAKE_KEY_ID = "{{X_KEY_ID}}"  # credguard:allow
FAKE_SECRET = "{{X_SECRET}}"  # credguard:allow
DOC_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
DOC_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


@pytest.fixture
def aws_credentials(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", DOC_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", DOC_SECRET)
    monkeypatch.setenv("AWS_SECURITY_TOKEN", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
